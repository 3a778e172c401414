// The start-up checks that read AKS's rules as data: the Kubernetes support calendar, the vCPU quota with
// upgrade surge nodes, and the staggered maintenance windows. Dates are passed in, so the tests do not age.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeNamespace } from "../../config/load";
import { FleetConfigError, validateFleetConfig } from "../../config/fleet-config";
import { kubernetesVersionVerdict } from "../../regions/kubernetes-versions";
import { openHours, planMaintenance } from "../../regions/maintenance";
import { stackConfig, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

function fleet(stack: string, overrides: Record<string, unknown>, today: Date) {
    const { config } = stackConfig({ stack, overrides, secrets: { deployerKey: TEST_DEPLOYER_KEY } });
    return validateFleetConfig(decodeNamespace(config, "chain138"), { namespace: "chain138", environment: stack, today });
}

function problems(stack: string, overrides: Record<string, unknown>, today: Date): string[] {
    try {
        fleet(stack, overrides, today);
    } catch (error) {
        if (error instanceof FleetConfigError) return error.problems;
        throw error;
    }
    return [];
}

describe("Kubernetes version against the AKS calendar", () => {
    // "Supported Kubernetes versions in AKS": 1.35 GA Mar 2026, end of life Mar 2027 = 2027-03-31.
    it("accepts a minor until the last day of its end-of-life month and refuses it the day after", () => {
        assert.equal(kubernetesVersionVerdict("1.35.4", new Date("2027-03-31T23:00:00Z")).status, "ending");
        const after = kubernetesVersionVerdict("1.35", new Date("2027-04-01T00:00:00Z"));
        assert.equal(after.status, "refused");
        assert.match(after.status === "refused" ? after.message : "", /1\.35 reached end of life in AKS on 2027-03-31/);
    });

    it("refuses a minor before its AKS GA month and one the table does not know", () => {
        assert.match(JSON.stringify(kubernetesVersionVerdict("1.37", new Date("2026-09-15T00:00:00Z"))), /not generally available in AKS until 2026-10/);
        assert.match(JSON.stringify(kubernetesVersionVerdict("1.29", new Date("2026-12-02T00:00:00Z"))), /not in the AKS support table/);
    });

    it("warns, without refusing, within 60 days of the end of life", () => {
        const early = fleet("prod", { kubernetesVersion: "1.36" }, new Date("2027-04-30T00:00:00Z"));
        assert.deepEqual(early.warnings, []);
        const late = fleet("prod", { kubernetesVersion: "1.36" }, new Date("2027-05-15T00:00:00Z"));
        assert.equal(late.warnings.length, 1);
        assert.match(
            late.warnings[0],
            /chain138:kubernetesVersion: Kubernetes 1\.36 reaches end of life in AKS on 2027-06-30 \(47 days\); plan the upgrade to one of: 1\.36, 1\.37/,
        );
    });

    it("refuses the stack's default once it is past its end of life, naming the way to keep operating existing clusters", () => {
        const refused = problems("prod", {}, new Date("2027-07-01T00:00:00Z"));
        assert.deepEqual(refused.filter((p) => p.includes("kubernetesVersion")).length, 1, refused.join("\n"));
        assert.match(refused[0], /set chain138:acceptEndOfLifeKubernetes true/);
    });

    // AKS platform support: existing clusters keep node pool scaling, node image and version upgrades; only cluster
    // creation is refused. So an operator mid-upgrade may accept an end-of-life minor; a minor never GA may not.
    it("accepts an end-of-life minor with a warning when the operator says so, and never an unknown one", () => {
        const late = new Date("2027-07-01T00:00:00Z");
        const accepted = fleet("prod", { acceptEndOfLifeKubernetes: true }, late);
        assert.match(
            accepted.warnings.join("\n"),
            /reached end of life .* accepted by chain138:acceptEndOfLifeKubernetes, but AKS refuses to create a cluster on it/,
        );
        assert.match(problems("prod", { acceptEndOfLifeKubernetes: true, kubernetesVersion: "1.40" }, late)[0], /not in the AKS support table/);
    });
});

describe("vCPU quota with upgrade surge nodes", () => {
    const today = new Date("2026-12-02T00:00:00Z");

    it("fits the defaults into 10 vCPUs during an upgrade (1 system + 1 surge + 2 validators + 1 sentry, 2 vCPUs each)", () => {
        const plan = fleet("prod", {}, today).validatorRegions[0];
        assert.deepEqual([plan.vcpuUsed, plan.vcpuSurge, plan.vcpuPeak, plan.vcpuQuota], [8, 2, 10, 10]);
    });

    it("refuses a second system node on a 10-vCPU quota and says the quota it needs", () => {
        const refused = problems("prod", { systemNodeCount: 2 }, today);
        assert.equal(refused.length, 24);
        assert.match(
            refused[0],
            /node pools need 12 vCPUs during upgrades \(10 steady \+ 2 for surge nodes: .*\) but chain138:vcpuQuotaPerRegion is 10; request a quota of 12/,
        );
        assert.deepEqual(problems("prod", { systemNodeCount: 2, vcpuQuotaPerRegion: 12 }, today), []);
    });
});

describe("staggered maintenance windows", () => {
    it("gives the 25 prod clusters disjoint 4-hour windows, so AKS drains at most one validator at a time", () => {
        const config = fleet("prod", {}, new Date("2026-12-02T00:00:00Z"));
        const windows = [...config.validatorRegions, config.admin!].map((plan) => plan.maintenance);
        const hours = windows.flatMap(openHours);
        assert.equal(hours.length, 25 * 4);
        assert.equal(new Set(hours).size, hours.length, "two clusters share an hour");
    });

    it("keeps a region's window when a later wave is deployed or not", () => {
        const all = fleet("prod", {}, new Date("2026-12-02T00:00:00Z"));
        const firstWave = fleet("prod", { rollout: { deployWaves: 1 } }, new Date("2026-12-02T00:00:00Z"));
        for (const plan of firstWave.deployedRegions) {
            assert.deepEqual(plan.maintenance, all.validatorRegions.find((p) => p.name === plan.name)!.maintenance, plan.name);
        }
    });

    it("overlaps windows only beyond 42 clusters (the week's 4-hour slots), and reports the peak", () => {
        const clusters = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, validatorsAtRisk: 1 }));
        assert.equal(planMaintenance(clusters(42)).peakValidatorsAtRisk, 1);
        assert.equal(planMaintenance(clusters(43)).peakValidatorsAtRisk, 2);
        // Sunday 20:00 + 4 h ends at Monday 00:00: the wrap stays inside the week.
        assert.deepEqual(openHours({ dayOfWeek: "Sunday", startHour: 22, durationHours: 4 }), [166, 167, 0, 1]);
    });
});
