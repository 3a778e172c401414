// Mandatory: every AKS cluster authenticates through Entra ID with Azure RBAC, has no local accounts,
// runs workload identity with an OIDC issuer, and a supported Kubernetes minor.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asBoolean, asString, asStringArray, at } from "../lib/read";
import { MANAGED_CLUSTER } from "../lib/types";
import { kubernetesVersionVerdict } from "../../regions/kubernetes-versions";

export interface AksHardeningConfig {
    /** Read the AKS support calendar as of this date (YYYY-MM-DD). Default: today. */
    supportCalendarDate?: string;
    /** If set, only these minors (e.g. ["1.35", "1.36"]) are allowed, on top of the calendar. Default: any supported. */
    supportedKubernetesVersions?: string[];
    /** Let a minor past its end of life pass (existing clusters mid-upgrade; AKS creates none on it). Default false. */
    acceptEndOfLife?: boolean;
}

/**
 * Why `version` cannot be used for a new cluster, or undefined when it can. The rule is AKS's calendar
 * (regions/kubernetes-versions.ts, the table the program checks at start-up): an end-of-life minor is in
 * platform support, where "Cluster creation" is "Not supported".
 */
export function unsupportedVersionReason(version: string | undefined, config: AksHardeningConfig): string | undefined {
    // Without a version AKS picks its current default, which changes under us.
    if (version === undefined) return "kubernetesVersion is not set";
    const today = config.supportCalendarDate === undefined ? new Date() : new Date(`${config.supportCalendarDate}T12:00:00Z`);
    if (Number.isNaN(today.getTime())) return `policy config supportCalendarDate "${config.supportCalendarDate}" is not a date (YYYY-MM-DD)`;
    const verdict = kubernetesVersionVerdict(version, today);
    if (verdict.status === "refused" && !(config.acceptEndOfLife === true && verdict.message.includes("reached end of life"))) {
        return `kubernetesVersion: ${verdict.message}`;
    }
    if (verdict.status === "refused") return undefined;
    const supported = config.supportedKubernetesVersions;
    if (supported !== undefined && supported.length > 0 && !supported.includes(verdict.minor)) {
        return `kubernetesVersion "${version}" is not a supported minor (${supported.join(", ")})`;
    }
    return undefined;
}

export const aksHardening: ResourceValidationPolicy = {
    name: "aks-entra-id-and-workload-identity",
    description:
        "AKS: Entra ID (managed AAD) with Azure RBAC, local accounts disabled, workload identity + OIDC issuer, a Kubernetes minor in AKS standard support.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            supportCalendarDate: { type: "string", description: "Date (YYYY-MM-DD) to read the AKS support calendar at; default today." },
            supportedKubernetesVersions: { type: "array", items: { type: "string" }, description: "Allowed minors, on top of the AKS calendar." },
            acceptEndOfLife: { type: "boolean", default: false, description: "Let an end-of-life minor pass (existing clusters mid-upgrade)." },
        },
    },
    validateResource: (args, report) => {
        if (args.type !== MANAGED_CLUSTER) return;
        const props = args.props as Record<string, unknown>;
        const requireTrue = (path: string[], what: string) => {
            const value = asBoolean(at(props, ...path));
            if (value !== true) report(`${args.name}: ${path.join(".")} is ${JSON.stringify(value ?? null)}; ${what}`);
        };
        requireTrue(["aadProfile", "managed"], "the cluster must use Entra ID (managed AAD)");
        requireTrue(["aadProfile", "enableAzureRBAC"], "Kubernetes authorization must go through Azure RBAC");
        requireTrue(["disableLocalAccounts"], "local (certificate) accounts must be disabled");
        requireTrue(["oidcIssuerProfile", "enabled"], "workload identity needs the OIDC issuer");
        requireTrue(["securityProfile", "workloadIdentity", "enabled"], "pods authenticate to Azure through workload identity");
        const config = args.getConfig<AksHardeningConfig>();
        const reason = unsupportedVersionReason(asString(props["kubernetesVersion"]), {
            supportCalendarDate: config.supportCalendarDate,
            acceptEndOfLife: config.acceptEndOfLife,
            supportedKubernetesVersions: config.supportedKubernetesVersions === undefined ? undefined : asStringArray(config.supportedKubernetesVersions),
        });
        if (reason !== undefined) report(`${args.name}: ${reason}`);
    },
};
