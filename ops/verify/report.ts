// The verify report: its types (the --json shape) and its text form (one block per region, then a summary).

/** Outcome of one check. `skip` never fails the run. */
export type CheckStatus = "pass" | "fail" | "skip";

/** One check, e.g. `{ name: "eastasia-validator-0 peers", status: "fail", detail: "1 peer, expected ≥ 47 …" }`. */
export interface CheckResult {
    name: string;
    status: CheckStatus;
    detail: string;
}

/** The checks of one region (or one chain's contracts), in a fixed order. */
export interface CheckGroup {
    /** Region name, or chain name for contract groups. */
    name: string;
    ok: boolean;
    checks: CheckResult[];
}

/** Everything `npm run verify -- --json` prints. */
export interface VerifyReport {
    stack: string;
    ok: boolean;
    /** Highest block any node reported (the reference for lag checks); null when none answered. */
    fleetHead: number | null;
    /** One group per deployed region, in rollout order. */
    regions: CheckGroup[];
    /** One group per chain with contract outputs; empty when the stack exports none. */
    contracts: CheckGroup[];
}

/** Builds a group; it is ok when no check failed. */
export function group(name: string, checks: CheckResult[]): CheckGroup {
    return { name, ok: checks.every((c) => c.status !== "fail"), checks };
}

const MARK: Record<CheckStatus, string> = { pass: "ok  ", fail: "FAIL", skip: "skip" };

function block(kind: string, g: CheckGroup): string[] {
    const width = Math.max(...g.checks.map((c) => c.name.length), 0);
    return [`${kind} ${g.name}: ${g.ok ? "ok" : "FAILED"}`, ...g.checks.map((c) => `  ${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`)];
}

/** The text report: region blocks in region order, contract blocks, then a summary table. */
export function renderText(report: VerifyReport): string {
    const lines: string[] = [];
    for (const g of report.regions) lines.push(...block("region", g), "");
    for (const g of report.contracts) lines.push(...block("contracts on", g), "");
    const rows = [...report.regions.map((g) => ["region", g]), ...report.contracts.map((g) => ["contracts", g])] as [string, CheckGroup][];
    const nameWidth = Math.max(4, ...rows.map(([, g]) => g.name.length));
    lines.push(`summary (stack ${report.stack}, fleet head ${report.fleetHead ?? "unknown"})`);
    lines.push(`  ${"kind".padEnd(9)}  ${"name".padEnd(nameWidth)}  result  passed  failed  skipped`);
    for (const [kind, g] of rows) {
        const count = (s: CheckStatus) => String(g.checks.filter((c) => c.status === s).length);
        lines.push(
            `  ${kind.padEnd(9)}  ${g.name.padEnd(nameWidth)}  ${(g.ok ? "ok" : "FAIL").padEnd(6)}  ${count("pass").padStart(6)}  ${count("fail").padStart(6)}  ${count("skip").padStart(7)}`,
        );
    }
    const failed = rows.filter(([, g]) => !g.ok).map(([, g]) => g.name);
    lines.push(report.ok ? "verify: all checks passed" : `verify: FAILED (${failed.join(", ")})`);
    return lines.join("\n");
}
