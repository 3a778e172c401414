// The prod stack under mocks against AKS's documented rules. Each rule is written here from its source, not
// from the program's constants: the test would catch the program and its tables drifting from the platform.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { before, describe, it } from "node:test";
import { ProgramRun, RecordedResource, REPO_ROOT, runProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";
import { RESULT_PREFIX } from "../support/program-child";
import { AKS_DEFAULT_MAX_SURGE, AKS_DEFAULT_MAX_UNAVAILABLE, azureVcpus, upgradeNodes as nodes } from "../support/aks-rules";

const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
const AGENT_POOL = "azure-native:containerservice:AgentPool";
const MAINTENANCE = "azure-native:containerservice:MaintenanceConfiguration";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/** Azure docs, "Azure built-in roles": the role definition GUIDs. */
const NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7";
const AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b";
/** The deploying identity as the mock's getClientConfig reports it. */
const DEPLOYER_OBJECT_ID = "99999999-8888-7777-6666-555555555555";
/** Another identity that runs the stack (e.g. CI's service principal), from config. */
const CI_PRINCIPAL = "0a0b0c0d-1111-4222-8333-444455556666";
const QUOTA = 10;

interface Pool {
    name: string;
    mode?: string;
    count: number;
    vmSize: string;
    vnetSubnetID?: string;
    nodeLabels?: Record<string, string>;
    upgradeSettings?: { maxSurge?: string; maxUnavailable?: string };
}

let run: ProgramRun;
const ofType = (type: string) => run.resources.filter((resource) => resource.type === type);
const clusters = () => ofType(MANAGED_CLUSTER);

function poolsOf(cluster: RecordedResource): { pool: Pool; resource: RecordedResource }[] {
    const inline = (cluster.inputs["agentPoolProfiles"] as Pool[]).map((pool) => ({ pool, resource: cluster }));
    const standalone = ofType(AGENT_POOL)
        .filter((pool) => pool.inputs["resourceName"] === cluster.inputs["resourceName"])
        .map((resource) => ({ pool: { ...(resource.inputs as unknown as Pool), name: resource.inputs["agentPoolName"] as string }, resource }));
    return [...inline, ...standalone];
}

describe("prod stack against AKS platform rules", () => {
    before(async () => {
        run = await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
    });

    // "Supported Kubernetes versions in AKS", release calendar: 1.34 end of life Nov 2026, 1.35 Mar 2027,
    // 1.36 Jun 2027, 1.37 Oct 2027 (EOL = last day of the month); "Cluster creation: Not supported" after it.
    it("creates every cluster on a Kubernetes minor in standard support today, with at least 60 days left", () => {
        const endOfLife: Record<string, string> = { "1.35": "2027-03-31", "1.36": "2027-06-30", "1.37": "2027-10-31" };
        for (const cluster of clusters()) {
            const minor = /^(\d+\.\d+)/.exec(cluster.inputs["kubernetesVersion"] as string)?.[1] ?? "";
            assert.ok(minor in endOfLife, `${cluster.name}: ${minor} is not in standard support on 2026-12-02`);
            const days = (Date.parse(`${endOfLife[minor]}T23:59:59Z`) - Date.now()) / 86_400_000;
            assert.ok(days >= 60, `${cluster.name}: ${minor} ends within 60 days`);
        }
    });

    // AKS rolling node pool upgrades: "You can't set max unavailable on system node pools"; "When maxUnavailable
    // is 0, AKS requires maxSurge to be greater than 0"; maxSurge defaults to 10% (AgentPoolUpgradeSettings).
    it("gives every pool upgrade settings AKS accepts", () => {
        let pools = 0;
        for (const cluster of clusters()) {
            for (const { pool } of poolsOf(cluster)) {
                pools++;
                const where = `${cluster.inputs["location"] as string}/${pool.name}`;
                if (pool.mode === "System") assert.equal(pool.upgradeSettings?.maxUnavailable, undefined, `${where}: maxUnavailable on a System pool`);
                const surge = nodes(pool.upgradeSettings?.maxSurge, pool.count, AKS_DEFAULT_MAX_SURGE);
                const unavailable = nodes(pool.upgradeSettings?.maxUnavailable, pool.count, AKS_DEFAULT_MAX_UNAVAILABLE);
                assert.ok(surge > 0 || unavailable > 0, `${where}: maxSurge 0 with maxUnavailable 0`);
            }
        }
        assert.equal(pools, 24 * 3 + 1);
    });

    // A surge node is a VM for as long as its pool upgrades ("AKS configures upgrades to surge with one extra node
    // by default"), and AKS may upgrade the pools with the control plane: the quota must hold all surges at once.
    it("fits each region's 10-vCPU quota with every pool's surge nodes present at once", () => {
        for (const cluster of clusters()) {
            const peak = poolsOf(cluster).reduce(
                (sum, { pool }) => sum + (pool.count + nodes(pool.upgradeSettings?.maxSurge, pool.count, AKS_DEFAULT_MAX_SURGE)) * azureVcpus(pool.vmSize),
                0,
            );
            assert.ok(peak <= QUOTA, `${cluster.inputs["location"] as string}: ${peak} vCPUs at the upgrade peak`);
        }
        const outputs = run.resolved["regions"] as Record<string, { vcpuPeak: number; vcpuSurge: number }>;
        for (const [region, output] of Object.entries(outputs)) assert.ok(output.vcpuSurge > 0 && output.vcpuPeak <= QUOTA, region);
    });

    // AKS service permissions: a cluster identity using a custom VNet needs subnets/join/action + read on the subnet;
    // "these permissions are not automatically assigned" (MicrosoftDocs/azure-docs #69777: LinkedAuthorizationFailed).
    it("grants each cluster's own identity Network Contributor on its node subnet before the cluster is created", () => {
        const identities = ofType("azure-native:managedidentity:UserAssignedIdentity");
        for (const cluster of clusters()) {
            const identity = cluster.inputs["identity"] as { type: string; userAssignedIdentities?: string[] };
            assert.equal(identity.type, "UserAssigned", cluster.name);
            const own = identities.find((candidate) =>
                identity.userAssignedIdentities?.[0]?.endsWith(`/userAssignedIdentities/${String(candidate.state["name"])}`),
            );
            assert.ok(own, `${cluster.name}: its identity is not one of the stack's`);
            const subnets = new Set(poolsOf(cluster).map(({ pool }) => pool.vnetSubnetID));
            assert.equal(subnets.size, 1, `${cluster.name}: one node subnet`);
            const subnet = [...subnets][0]!;
            const grant = ofType(ROLE_ASSIGNMENT).find(
                (candidate) =>
                    candidate.inputs["principalId"] === own.state["principalId"] &&
                    candidate.inputs["scope"] === subnet &&
                    String(candidate.inputs["roleDefinitionId"]).endsWith(`/roleDefinitions/${NETWORK_CONTRIBUTOR}`),
            );
            assert.ok(grant, `${cluster.name}: no Network Contributor on ${subnet} for its identity`);
            assert.ok(cluster.dependencies.includes(grant.urn), `${cluster.name} is created before its subnet grant`);
        }
    });

    // The SDK's doc of agentPoolProfiles: "The Azure API does not currently allow this property to be updated
    // directly. Instead, additional agent pools can be defined via the AgentPool resource." AKS runs one
    // operation at a time per cluster (OperationNotAllowed), so its pool and maintenance writes form a chain.
    it("declares only the system pool inline and chains the cluster's other writes one after another", () => {
        const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
        for (const cluster of clusters()) {
            const inline = cluster.inputs["agentPoolProfiles"] as Pool[];
            assert.deepEqual(
                inline.map((pool) => pool.mode),
                ["System"],
                cluster.name,
            );
            const writes = [...ofType(AGENT_POOL), ...ofType(MAINTENANCE)].filter((r) => r.inputs["resourceName"] === cluster.inputs["resourceName"]);
            // Every write waits, transitively, for every write registered before it on the same cluster.
            const reaches = (from: RecordedResource, to: string, seen = new Set<string>()): boolean =>
                from.dependencies.some((dep) => dep === to || (!seen.has(dep) && seen.add(dep) && byUrn.has(dep) && reaches(byUrn.get(dep)!, to, seen)));
            assert.equal(writes.length, cluster.inputs["location"] === "westeurope" ? 2 : 4, cluster.name);
            for (const [i, write] of writes.entries()) {
                assert.ok(reaches(write, cluster.urn), `${write.name} does not wait for ${cluster.name}`);
                for (const earlier of writes.slice(0, i)) assert.ok(reaches(write, earlier.urn), `${write.name} may run with ${earlier.name}`);
            }
        }
    });

    it("applies changed validator sizes and sentry counts by AgentPool changes alone, never the ManagedCluster's inputs", async () => {
        const types = [MANAGED_CLUSTER, AGENT_POOL, ROLE_ASSIGNMENT].join(",");
        const changed = {
            stack: "prod",
            overrides: {
                sentriesPerRegion: 0,
                nodeSizes: { system: "Standard_D2s_v5", validator: "Standard_D2as_v5", sentry: "Standard_D2s_v5" },
                clusterAdminObjectIds: [CI_PRINCIPAL],
            },
        };
        const { stdout } = await promisify(execFile)(
            process.execPath,
            ["--import", "tsx", path.join(REPO_ROOT, "tests", "support", "program-child.ts"), JSON.stringify(changed), types],
            {
                cwd: REPO_ROOT,
                maxBuffer: 64 * 1024 * 1024,
                timeout: 240_000,
            },
        );
        const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
        assert.ok(line, "the child run printed no result");
        const second = JSON.parse(line.slice(RESULT_PREFIX.length)) as { type: string; name: string; inputs: Record<string, unknown> }[];
        const inputsOf = (list: { type: string; name: string; inputs: Record<string, unknown> }[], type: string) =>
            new Map(list.filter((r) => r.type === type).map((r) => [r.name, JSON.stringify(r.inputs)]));
        assert.deepEqual(inputsOf(second, MANAGED_CLUSTER), inputsOf(run.resources, MANAGED_CLUSTER), "a ManagedCluster's inputs changed");
        const before = inputsOf(run.resources, AGENT_POOL);
        const after = inputsOf(second, AGENT_POOL);
        for (const [name, inputs] of after) {
            assert.ok(name.endsWith("-pool-validators"), `${name} appeared`);
            assert.notEqual(inputs, before.get(name), `${name} did not change`);
            assert.equal((JSON.parse(inputs) as Pool).vmSize, "Standard_D2as_v5");
        }
        assert.equal([...before.keys()].filter((name) => !after.has(name)).length, 24, "the 24 sentry pools go");
        // A configured principal gets its own grant on every cluster, next to the deploying identity's.
        const admins = second.filter((r) => r.type === ROLE_ASSIGNMENT && String(r.inputs["roleDefinitionId"]).endsWith(AKS_RBAC_CLUSTER_ADMIN));
        assert.equal(admins.filter((r) => r.inputs["principalId"] === CI_PRINCIPAL).length, 25);
        assert.equal(admins.filter((r) => r.inputs["principalId"] === DEPLOYER_OBJECT_ID).length, 25);
    });

    // AKS planned maintenance: aksManagedAutoUpgradeSchedule and aksManagedNodeOSUpgradeSchedule, "a duration of
    // four hours or more". QBFT tolerates f = ⌊(n−1)/3⌋ faulty validators (48 → 15). Counted strictly here: every
    // validator of a cluster whose window is open is at risk, whatever its upgrade settings.
    it("staggers maintenance so that in every hour of the week at most f validators sit in open windows", () => {
        const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        const validatorsOf = (clusterName: string) =>
            ofType(AGENT_POOL)
                .filter(
                    (p) => p.inputs["resourceName"] === clusterName && (p.inputs["nodeLabels"] as Record<string, string>)["chain138.io/role"] === "validator",
                )
                .reduce((sum, p) => sum + (p.inputs["count"] as number), 0);
        const total = clusters().reduce((sum, cluster) => sum + validatorsOf(cluster.inputs["resourceName"] as string), 0);
        assert.equal(total, 48);
        const f = Math.floor((total - 1) / 3);
        const open = Array.from({ length: 168 }, () => new Set<string>());
        for (const cluster of clusters()) {
            const name = cluster.inputs["resourceName"] as string;
            const configs = ofType(MAINTENANCE).filter((m) => m.inputs["resourceName"] === name);
            assert.deepEqual(configs.map((m) => m.inputs["configName"]).sort(), ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"], name);
            for (const config of configs) {
                const window = config.inputs["maintenanceWindow"] as {
                    schedule: { weekly?: { dayOfWeek: string; intervalWeeks: number } };
                    durationHours: number;
                    startTime: string;
                    utcOffset: string;
                };
                assert.ok(window.durationHours >= 4, `${config.name}: shorter than AKS's four hours`);
                assert.equal(window.schedule.weekly?.intervalWeeks, 1, config.name);
                const offsetHours = Number(window.utcOffset.slice(0, 3));
                const start = days.indexOf(window.schedule.weekly!.dayOfWeek) * 24 + Number(window.startTime.slice(0, 2)) - offsetHours;
                for (let h = 0; h < window.durationHours; h++) open[(((start + h) % 168) + 168) % 168].add(name);
            }
        }
        for (const [hour, names] of open.entries()) {
            const atRisk = [...names].reduce((sum, name) => sum + validatorsOf(name), 0);
            assert.ok(atRisk <= f, `hour ${hour} of the week: ${atRisk} validators in open windows (${[...names].join(", ")}) > f = ${f}`);
        }
    });

    // Local accounts are off and authorization is Azure RBAC: the identity running `pulumi up` needs a data-plane
    // role, and Azure RBAC "can take up to 10 minutes" to take effect, so the Kubernetes provider waits for a gate.
    it("grants the deploying identity AKS RBAC Cluster Admin on every cluster, and each Kubernetes provider waits until it works", () => {
        const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
        for (const cluster of clusters()) {
            const grant = ofType(ROLE_ASSIGNMENT).find(
                (r) =>
                    String(r.inputs["scope"]).endsWith(`/managedClusters/${cluster.inputs["resourceName"] as string}`) &&
                    String(r.inputs["roleDefinitionId"]).endsWith(`/roleDefinitions/${AKS_RBAC_CLUSTER_ADMIN}`),
            );
            assert.ok(grant, `${cluster.name}: no cluster-admin grant`);
            assert.equal(grant.inputs["principalId"], DEPLOYER_OBJECT_ID);
            const provider = ofType("pulumi:providers:kubernetes").find((p) => p.name === cluster.name.replace(/-aks$/, "-k8s"))!;
            const gates = provider.dependencies.map((urn) => byUrn.get(urn)!).filter((r) => r.type === "command:local:Command");
            assert.equal(gates.length, 1, `${provider.name} waits for no access gate`);
            assert.ok(gates[0].dependencies.includes(grant.urn), `${gates[0].name} does not wait for the grant`);
            assert.ok(gates[0].secretInputs.includes("stdin"), "the kubeconfig reaches the gate only as a secret");
            // Another identity's run replaces the grant; the gate must then run (and wait) again.
            assert.equal((gates[0].inputs["environment"] as Record<string, string>)["PRINCIPAL_ID"], DEPLOYER_OBJECT_ID);
        }
    });
});
