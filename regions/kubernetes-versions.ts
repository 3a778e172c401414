/**
 * The AKS Kubernetes support calendar as data: the program's start-up check and the policy pack both read it.
 *
 * Source: "Supported Kubernetes versions in AKS", section "AKS Kubernetes release calendar and upcoming
 * versions" (MicrosoftDocs/azure-aks-docs articles/aks/supported-kubernetes-versions.md, ms.date 08/05/2026).
 * The calendar gives months; "Unless an explicit date is provided, the End of Life (EOL) date is the last
 * day of the specified month", so `endOfLife` below is that last day. After end of life a minor is in
 * "platform support", whose table says "Cluster creation | Not supported" (section "Platform support
 * policy"): a new cluster on it fails. Update this table when Microsoft publishes the next rows.
 */
export interface KubernetesMinorSupport {
    /** `1.<minor>`. */
    readonly minor: string;
    /** Month AKS made it generally available (YYYY-MM). */
    readonly aksGa: string;
    /** Last day of standard support (YYYY-MM-DD): after it, new clusters are refused. */
    readonly endOfLife: string;
    readonly source: string;
}

const CALENDAR = "AKS release calendar (supported-kubernetes-versions.md, ms.date 08/05/2026)";

export const AKS_KUBERNETES_SUPPORT: readonly KubernetesMinorSupport[] = [
    { minor: "1.32", aksGa: "2025-04", endOfLife: "2026-03-31", source: CALENDAR },
    // An older rendering of the page says "Jun 2026"; the newest stored copy says "Jul 2026". Both are past.
    { minor: "1.33", aksGa: "2025-06", endOfLife: "2026-07-31", source: CALENDAR },
    { minor: "1.34", aksGa: "2025-11", endOfLife: "2026-11-30", source: CALENDAR },
    { minor: "1.35", aksGa: "2026-03", endOfLife: "2027-03-31", source: CALENDAR },
    { minor: "1.36", aksGa: "2026-06", endOfLife: "2027-06-30", source: CALENDAR },
    { minor: "1.37", aksGa: "2026-10", endOfLife: "2027-10-31", source: CALENDAR },
];

/** A version this close to its end of life (days) is accepted with a warning. */
export const END_OF_LIFE_WARNING_DAYS = 60;

export type KubernetesVersionVerdict =
    | { readonly status: "supported"; readonly minor: string; readonly endOfLife: string; readonly daysLeft: number }
    | { readonly status: "ending"; readonly minor: string; readonly endOfLife: string; readonly daysLeft: number; readonly message: string }
    | { readonly status: "refused"; readonly message: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/** `1.34` of "1.34" or "1.34.2"; undefined for anything else. */
export function minorOf(version: string): string | undefined {
    const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(version.trim());
    return match === null ? undefined : `${Number(match[1])}.${Number(match[2])}`;
}

/** Minors in standard support on `today` (GA month begun, end of life not passed), oldest first. */
export function supportedMinors(today: Date, table: readonly KubernetesMinorSupport[] = AKS_KUBERNETES_SUPPORT): string[] {
    return table.filter((row) => isGa(row, today) && !isPast(row, today)).map((row) => row.minor);
}

/**
 * Whether AKS creates clusters of `version` on `today`: refused when the minor is unknown to the table,
 * not yet GA, or past its end of life; "ending" within {@link END_OF_LIFE_WARNING_DAYS} of it.
 */
export function kubernetesVersionVerdict(
    version: string,
    today: Date,
    table: readonly KubernetesMinorSupport[] = AKS_KUBERNETES_SUPPORT,
): KubernetesVersionVerdict {
    const supported = supportedMinors(today, table).join(", ") || "none";
    const minor = minorOf(version);
    if (minor === undefined) return { status: "refused", message: `"${version}" is not a Kubernetes version; supported minors: ${supported}` };
    const row = table.find((candidate) => candidate.minor === minor);
    if (row === undefined) {
        return {
            status: "refused",
            message: `Kubernetes ${minor} is not in the AKS support table (regions/kubernetes-versions.ts); supported minors: ${supported}`,
        };
    }
    if (!isGa(row, today)) {
        return { status: "refused", message: `Kubernetes ${minor} is not generally available in AKS until ${row.aksGa}; supported minors: ${supported}` };
    }
    if (isPast(row, today)) {
        return {
            status: "refused",
            message: `Kubernetes ${minor} reached end of life in AKS on ${row.endOfLife} (platform support: new clusters are refused); supported minors: ${supported}`,
        };
    }
    const daysLeft = Math.floor((endOfDay(row.endOfLife) - today.getTime()) / DAY_MS);
    if (daysLeft < END_OF_LIFE_WARNING_DAYS) {
        return {
            status: "ending",
            minor,
            endOfLife: row.endOfLife,
            daysLeft,
            message: `Kubernetes ${minor} reaches end of life in AKS on ${row.endOfLife} (${daysLeft} days); plan the upgrade to one of: ${supported}`,
        };
    }
    return { status: "supported", minor, endOfLife: row.endOfLife, daysLeft };
}

function isGa(row: KubernetesMinorSupport, today: Date): boolean {
    return today.getTime() >= Date.parse(`${row.aksGa}-01T00:00:00Z`);
}

function isPast(row: KubernetesMinorSupport, today: Date): boolean {
    return today.getTime() >= endOfDay(row.endOfLife);
}

/** The instant just after `date` (YYYY-MM-DD, UTC) ends. */
function endOfDay(date: string): number {
    return Date.parse(`${date}T00:00:00Z`) + DAY_MS;
}
