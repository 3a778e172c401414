// Prints verification results: a table ordered by chain and contract, a summary line, or JSON.
import { CONTRACT_NAMES } from "../../contracts/artifacts";
import type { VerifyResult, VerifyStatus } from "./types";

/** Results sorted by chain (first-seen order of `chains`, else name) then by the suite's contract order. */
export function orderResults(results: readonly VerifyResult[], chains: readonly string[] = []): VerifyResult[] {
    const chainRank = (c: string): number => {
        const i = chains.indexOf(c);
        return i < 0 ? chains.length : i;
    };
    return [...results].sort(
        (a, b) =>
            chainRank(a.chain) - chainRank(b.chain) ||
            a.chain.localeCompare(b.chain) ||
            CONTRACT_NAMES.indexOf(a.contract) - CONTRACT_NAMES.indexOf(b.contract) ||
            a.address.localeCompare(b.address),
    );
}

/** Counts per status. */
export function summarize(results: readonly VerifyResult[]): Record<VerifyStatus, number> {
    const counts: Record<VerifyStatus, number> = { verified: 0, "already-verified": 0, failed: 0 };
    for (const r of results) counts[r.status] += 1;
    return counts;
}

/** One line with the totals. */
export function summaryLine(results: readonly VerifyResult[]): string {
    const c = summarize(results);
    return `${results.length} contracts: ${c.verified} verified, ${c["already-verified"]} already verified, ${c.failed} failed`;
}

/** A fixed-width table: chain, contract, address, result, detail. */
export function formatTable(results: readonly VerifyResult[]): string {
    const header = ["CHAIN", "CONTRACT", "ADDRESS", "RESULT", "DETAIL"];
    const rows = results.map((r) => [r.chain, r.contract, r.address, r.status, r.detail]);
    const widths = header.slice(0, 4).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]): string =>
        cells
            .map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]) : cell))
            .join("  ")
            .trimEnd();
    return [line(header), ...rows.map(line)].join("\n");
}

/** The machine-readable report (`--json`). */
export function jsonReport(results: readonly VerifyResult[]): string {
    return JSON.stringify({ ok: summarize(results).failed === 0, summary: summarize(results), results }, null, 2);
}
