// The preflight report: its --json shape and its text form (the subscription block, one block per region in config
// order, then a summary table), in the style of `npm run verify` (ops/verify/report.ts, whose check types it uses).
import type { CheckGroup, CheckStatus } from "../verify/report";

/** Everything `npm run preflight -- --json` prints. */
export interface PreflightReport {
    stack: string;
    subscriptionId: string;
    ok: boolean;
    /** Provider registrations (subscription-wide). */
    subscription: CheckGroup;
    /** One group per checked region, in config order (validator regions, then the admin region). */
    regions: CheckGroup[];
}

const MARK: Record<CheckStatus, string> = { pass: "ok  ", fail: "FAIL", skip: "skip" };

function block(kind: string, g: CheckGroup): string[] {
    const width = Math.max(...g.checks.map((c) => c.name.length), 0);
    return [`${kind} ${g.name}: ${g.ok ? "ok" : "FAILED"}`, ...g.checks.map((c) => `  ${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`)];
}

export function renderText(report: PreflightReport): string {
    const rows: [string, CheckGroup][] = [["subscription", report.subscription], ...report.regions.map((g): [string, CheckGroup] => ["region", g])];
    const lines: string[] = [];
    for (const [kind, g] of rows) lines.push(...block(kind, g), "");
    const nameWidth = Math.max(4, ...rows.map(([, g]) => g.name.length));
    lines.push(`summary (stack ${report.stack}, subscription ${report.subscriptionId})`);
    lines.push(`  ${"kind".padEnd(12)}  ${"name".padEnd(nameWidth)}  result  passed  failed  skipped`);
    for (const [kind, g] of rows) {
        const count = (s: CheckStatus) => String(g.checks.filter((c) => c.status === s).length);
        lines.push(
            `  ${kind.padEnd(12)}  ${g.name.padEnd(nameWidth)}  ${(g.ok ? "ok" : "FAIL").padEnd(6)}  ${count("pass").padStart(6)}  ${count("fail").padStart(6)}  ${count("skip").padStart(7)}`,
        );
    }
    const failed = rows.filter(([, g]) => !g.ok).map(([, g]) => g.name);
    lines.push(report.ok ? "preflight: the subscription can hold the fleet" : `preflight: FAILED (${failed.join(", ")})`);
    return lines.join("\n");
}
