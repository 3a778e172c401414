// The Grafana dashboards (monitoring/dashboards/*.json): every query parses with Prometheus's own parser (written as
// recording rules and loaded by the real `promtool check rules`), reads only metrics that exist or that our rules
// record, under jobs the regional agent scrapes; the overview covers what issue 14 asks for.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { loadDashboards } from "../../components/monitoring/dashboards";
import { fleetExpectationRules } from "../../components/monitoring/expectations";
import { KNOWN_METRICS } from "../../components/monitoring/metric-names";
import { loadRuleFiles } from "../../components/monitoring/rule-files";
import { MONITORING_JOBS } from "../../stack/names";
import { promqlSelection, promtool, tempDir } from "../support/promtool";

/**
 * Grafana's template variables replaced by values of their type, so Prometheus's parser sees a real query: $region is
 * a label value, $__rate_interval a duration (Grafana docs, "Variables" / "Global variables").
 */
function substituteVariables(expr: string): string {
    return expr.replaceAll("$__rate_interval", "5m").replaceAll("$region", "westeurope");
}

const dashboards = loadDashboards();
const queries = dashboards.flatMap((d) => d.queries.map((q) => ({ ...q, dashboard: d.file, promql: substituteVariables(q.expr) })));

describe("Grafana dashboards", () => {
    it("has an overview and a per-region drill-down with distinct uids", () => {
        const uids = dashboards.map((d) => d.uid);
        assert.deepEqual([...new Set(uids)].sort(), [...uids].sort(), "dashboard uids repeat");
        assert.ok(
            dashboards.some((d) => d.text.includes('"name": "region"')),
            "no dashboard with a region variable",
        );
        assert.ok(queries.length >= 20, `only ${queries.length} queries`);
    });

    it("every query is PromQL that promtool accepts", () => {
        const work = tempDir("chain138-dashboards-");
        try {
            const rules = queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.promql }));
            const file = join(work.dir, "dashboards.rules.yaml");
            writeFileSync(file, stringify({ groups: [{ name: "dashboard-queries", rules }] }));
            const run = promtool(["check", "rules", file]);
            assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
            assert.match(run.stdout, new RegExp(`SUCCESS: ${rules.length} rules found`));
        } finally {
            work.cleanup();
        }
    });

    it("reads only metrics that exist, under jobs the regional agent scrapes", () => {
        const recorded = new Set([
            ...loadRuleFiles().flatMap((g) => g.rules.flatMap((r) => ("record" in r ? [r.record] : []))),
            ...fleetExpectationRules({
                regions: [{ region: "eastus", deployed: true }],
                validatorsPerRegion: 4,
                sentriesPerRegion: 1,
                blockPeriodSeconds: 2,
            }).rules.map((r) => r.record),
        ]);
        const jobs = new Set<string>(Object.values(MONITORING_JOBS));
        for (const q of queries) {
            const selection = promqlSelection(q.promql);
            assert.equal(selection.hasError, false, `${q.dashboard} "${q.panel}": syntax error`);
            for (const metric of selection.metrics) {
                assert.ok(metric in KNOWN_METRICS || recorded.has(metric), `${q.dashboard} "${q.panel}" reads ${metric}, which nothing defines`);
            }
            for (const job of selection.jobs) assert.ok(jobs.has(job), `${q.dashboard} "${q.panel}" selects job="${job}", which the agent does not scrape`);
        }
    });

    it("the overview shows what the issue asks for", () => {
        const overview = dashboards.find((d) => d.uid === "chain138-overview");
        assert.ok(overview, "no chain138-overview dashboard");
        const reads = new Set(overview.queries.flatMap((q) => [...promqlSelection(substituteVariables(q.expr)).metrics]));
        const needs: [string, string][] = [
            ["head block per region", "chain138:region_head_height"],
            ["peers per node", "ethereum_peer_count"],
            ["expected mesh", "chain138:node_expected_peers"],
            ["quorum", "chain138:qbft_quorum"],
            ["validators proposing (signer exporter)", "chain138:validator_proposed_blocks"],
            ["last block each validator proposed", "chain138_qbft_validator_last_proposed_block"],
            ["round changes (estimate)", "chain138:fleet_missed_block_slots_5m"],
            ["txpool", "besu_transaction_pool_number_of_transactions"],
            ["lag behind the fleet head", "chain138:fleet_head_height"],
            ["disk use", "kubelet_volume_stats_capacity_bytes"],
            ["pods ready", "up"],
        ];
        for (const [what, metric] of needs) assert.ok(reads.has(metric), `overview lacks ${what} (${metric})`);
        assert.ok(
            overview.queries.some((q) => q.expr.includes("predict_linear(kubelet_volume_stats_available_bytes")),
            "overview lacks the disk forecast",
        );
    });
});
