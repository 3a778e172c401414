// The real promtool (Prometheus's rule/config checker and rule unit-test runner) and Prometheus's own PromQL grammar
// for tests. promtool comes from Debian's `prometheus` package (.ci/run installs it); a missing binary fails the
// test with that instruction rather than skipping it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parser } from "@prometheus-io/lezer-promql";

/** Output of one promtool run. */
export interface PromtoolResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs `promtool <args>` (bounded: 120 s), throwing if the binary is missing. */
export function promtool(args: string[], cwd?: string): PromtoolResult {
    const run = spawnSync("promtool", args, { cwd, encoding: "utf8", timeout: 120_000 });
    if (run.error !== undefined) {
        throw new Error(
            `promtool could not run (${run.error.message}); install it with \`apt-get install -y prometheus\` (Debian ships it as /usr/bin/promtool)`,
        );
    }
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What a PromQL expression selects, read with Prometheus's lezer grammar. */
export interface PromqlSelection {
    /** Metric names of the vector selectors (`foo{…}`, `foo[5m]`). */
    metrics: Set<string>;
    /** Values of every `job="…"` matcher. */
    jobs: Set<string>;
    /** Whether the grammar found a syntax error (an ⚠ node). */
    hasError: boolean;
}

/** The metric names and job matchers of `expr`. */
export function promqlSelection(expr: string): PromqlSelection {
    const selection: PromqlSelection = { metrics: new Set(), jobs: new Set(), hasError: false };
    const cursor = parser.parse(expr).cursor();
    do {
        const text = expr.slice(cursor.from, cursor.to);
        if (cursor.type.isError) selection.hasError = true;
        if (cursor.name === "Identifier" && cursor.node.parent?.name === "VectorSelector") selection.metrics.add(text);
        if (cursor.name === "UnquotedLabelMatcher") {
            const match = /^job\s*=\s*"([^"]*)"$/.exec(text);
            if (match) selection.jobs.add(match[1]);
        }
    } while (cursor.next());
    return selection;
}
