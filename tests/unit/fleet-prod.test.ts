// The prod stack under mocks: the real index.ts, the real Pulumi.prod.yaml, every registration recorded.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { parse } from "yaml";
import { findRegion } from "../../regions/catalog";
import { ProgramRun, RecordedResource, REPO_ROOT, runProgram, stackConfig, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";
import { memoryVaultKeys } from "../../devkit/memory-key-vault";
import { preflightConfigFrom } from "../../ops/preflight/config";
import { regionTargets } from "../../ops/preflight/targets";
import { AKS_DEFAULT_MAX_SURGE, azureVcpus, tolerates, upgradeNodes, type Toleration } from "../support/aks-rules";

const prodFile = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
const PROD_REGIONS = prodFile.config["chain138:regions"] as string[];
const ADMIN = "westeurope";
// The requirements (README): each region's subscription quota is 10 vCPUs, upgrades included, and each
// validator region runs 2 validators, one per node.
const QUOTA = 10;
const VALIDATORS_PER_REGION = 2;
/** How the Besu chart schedules each role's pods (charts/besu-node/values.yaml, the chart's own defaults). */
const chartScheduling = (
    parse(readFileSync(path.join(REPO_ROOT, "charts", "besu-node", "values.yaml"), "utf8")) as {
        scheduling: Record<string, { nodeSelector: Record<string, string>; tolerations: Toleration[] }>;
    }
).scheduling;

interface PoolProfile {
    name: string;
    mode: string;
    count: number;
    vmSize: string;
    availabilityZones?: string[];
    nodeLabels?: Record<string, string>;
    nodeTaints?: string[];
    upgradeSettings?: { maxSurge?: string; maxUnavailable?: string };
}

let run: ProgramRun;

/** A cluster's pools: the inline profiles plus its standalone AgentPools, in creation order. */
function poolsOf(cluster: RecordedResource): PoolProfile[] {
    const inline = cluster.inputs["agentPoolProfiles"] as PoolProfile[];
    const standalone = byType("azure-native:containerservice:AgentPool")
        .filter((pool) => pool.inputs["resourceName"] === cluster.inputs["resourceName"])
        .map((pool) => ({ ...(pool.inputs as unknown as PoolProfile), name: pool.inputs["agentPoolName"] as string }));
    return [...inline, ...standalone];
}

/** Surge nodes of a pool while it upgrades, by AKS's reading of maxSurge. */
function surgeOf(pool: PoolProfile): number {
    return upgradeNodes(pool.upgradeSettings?.maxSurge, pool.count, AKS_DEFAULT_MAX_SURGE);
}
const byType = (type: string) => run.resources.filter((resource) => resource.type === type);

// "Taints and Tolerations" / "Assign Pods to Nodes" (kubernetes.io): a pod runs on a node only if its
// nodeSelector is among the node's labels and it tolerates every NoSchedule taint of the node.
/** Whether the chart's pods of `role` can be scheduled on `pool`'s nodes. */
const runsOn = (role: string, pool: PoolProfile) =>
    Object.entries(chartScheduling[role].nodeSelector).every(([key, value]) => pool.nodeLabels?.[key] === value) &&
    (pool.nodeTaints ?? []).every((taint) => tolerates(chartScheduling[role].tolerations, taint));

/** The top-level component a resource belongs to (walks the parent chain). */
function owningComponent(resource: RecordedResource, byUrn: Map<string, RecordedResource>): RecordedResource | undefined {
    let current: RecordedResource | undefined = resource;
    while (current && current.parent && byUrn.get(current.parent)) {
        const parent: RecordedResource = byUrn.get(current.parent)!;
        if (!parent.parent || !byUrn.get(parent.parent)) return parent;
        current = parent;
    }
    return current === resource ? undefined : current;
}

describe("prod stack under mocks", () => {
    before(async () => {
        run = await runProgram({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
    });

    it("deploys 25 clusters: the 24 validator regions of Pulumi.prod.yaml plus the westeurope admin region", () => {
        assert.equal(PROD_REGIONS.length, 24);
        const clusters = byType("azure-native:containerservice:ManagedCluster");
        assert.equal(clusters.length, 25);
        const locations = clusters.map((cluster) => cluster.inputs["location"] as string).sort();
        assert.deepEqual(locations, [...PROD_REGIONS, ADMIN].sort());
    });

    it("gives every validator region system, validator and sentry pools within its 10-vCPU quota, surge nodes included", () => {
        for (const cluster of byType("azure-native:containerservice:ManagedCluster")) {
            const location = cluster.inputs["location"] as string;
            const pools = poolsOf(cluster);
            // A surge node exists while a pool upgrades and is a VM like any other.
            const vcpus = pools.reduce((sum, pool) => sum + (pool.count + surgeOf(pool)) * azureVcpus(pool.vmSize), 0);
            assert.ok(vcpus <= QUOTA, `${location}: ${vcpus} vCPUs > ${QUOTA}`);
            if (location === ADMIN) continue;
            assert.deepEqual(
                pools.map((pool) => pool.name),
                ["system", "validators", "sentries"],
                location,
            );
            const validators = pools.find((pool) => pool.name === "validators")!;
            // One validator per node: as many nodes as the region has validator keys, and that is 2.
            const validatorKeys = byType("pulumi-nodejs:dynamic:Resource").filter((key) =>
                String(key.inputs["label"] ?? "").startsWith(`${location}-validator-`),
            );
            assert.equal(validatorKeys.length, VALIDATORS_PER_REGION, `${location}: validator keys`);
            assert.equal(validators.count, validatorKeys.length, `${location}: one validator per node`);
            assert.equal(validators.mode, "User");
            assert.equal(pools.find((pool) => pool.name === "system")!.mode, "System");
        }
    });

    it("gives validator and sentry pods nodes of their own: each role's pool admits its pods and no other Besu pod", () => {
        for (const cluster of byType("azure-native:containerservice:ManagedCluster")) {
            const location = cluster.inputs["location"] as string;
            if (location === ADMIN) continue;
            const pools = poolsOf(cluster);
            for (const [role, poolName] of [
                ["validator", "validators"],
                ["sentry", "sentries"],
            ]) {
                const hosts = pools.filter((pool) => runsOn(role, pool)).map((pool) => pool.name);
                assert.deepEqual(hosts, [poolName], `${location}: ${role} pods can run on ${hosts.join(", ") || "no pool"}`);
            }
            // Pods without a toleration (anything but Besu's and AKS's own) stay off the Besu pools.
            for (const pool of pools.filter((p) => p.mode === "User"))
                assert.ok(
                    (pool.nodeTaints ?? []).some((taint) => taint.endsWith(":NoSchedule")),
                    `${location}/${pool.name} is untainted`,
                );
        }
    });

    it("spreads pools over zones exactly where the region has them", () => {
        for (const cluster of byType("azure-native:containerservice:ManagedCluster")) {
            const location = cluster.inputs["location"] as string;
            for (const pool of poolsOf(cluster)) {
                const expected = findRegion(location)!.hasZones ? ["1", "2", "3"] : undefined;
                assert.deepEqual(pool.availabilityZones, expected, `${location}/${pool.name}`);
            }
        }
        // ukwest, australiasoutheast, southindia, westindia and koreasouth have no zones.
        const regional = byType("azure-native:containerservice:ManagedCluster").filter((cluster) => poolsOf(cluster)[0].availabilityZones === undefined);
        assert.equal(regional.length, 5);
    });

    it("keeps westeurope admin-only: one admin pool, no validator or sentry pool, no Besu namespace", () => {
        const admin = byType("azure-native:containerservice:ManagedCluster").find((cluster) => cluster.inputs["location"] === ADMIN)!;
        const pools = poolsOf(admin);
        assert.equal(pools.length, 1);
        for (const role of ["validator", "sentry"]) assert.ok(!runsOn(role, pools[0]), `${role} pods can run on the admin pool ${pools[0].name}`);
        assert.ok(!run.resources.some((resource) => resource.name.startsWith(`region-${ADMIN}`)));
        const adminChildren = run.resources.filter((resource) => resource.name.startsWith(`admin-${ADMIN}`));
        assert.ok(
            adminChildren.every((resource) => !/validator|sentry|besu/.test(resource.name)),
            "admin region holds no Besu workload",
        );
        assert.ok(adminChildren.some((resource) => resource.type === "kubernetes:helm.sh/v4:Chart" && resource.inputs["chart"] === "kube-prometheus-stack"));
        assert.ok(adminChildren.some((resource) => resource.type === "azure-native:operationalinsights:Workspace"));
        assert.ok(adminChildren.some((resource) => resource.type === "azure-native:storage:StorageAccount"));
    });

    it("secures every cluster: Entra ID RBAC, no local accounts, workload identity, OIDC, network policy, auto-upgrade", () => {
        for (const cluster of byType("azure-native:containerservice:ManagedCluster")) {
            const inputs = cluster.inputs;
            assert.equal(inputs["disableLocalAccounts"], true);
            assert.equal(inputs["enableRBAC"], true);
            assert.deepEqual(inputs["aadProfile"], { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [] });
            assert.deepEqual(inputs["oidcIssuerProfile"], { enabled: true });
            assert.deepEqual(inputs["securityProfile"], { workloadIdentity: { enabled: true } });
            assert.equal((inputs["networkProfile"] as Record<string, string>)["networkPolicy"], "cilium");
            assert.equal((inputs["autoUpgradeProfile"] as Record<string, string>)["upgradeChannel"], "patch");
        }
    });

    it("gives AKS long custom timeouts and every cluster its own Kubernetes provider", () => {
        const clusters = byType("azure-native:containerservice:ManagedCluster");
        // docs/latencies.md: AKS ManagedCluster create, 13–15 min at the tail and 34 min on bad days (Azure/AKS #1439,
        // #2980); every operation's timeout must outlast that worst case.
        const minutes = (duration: string | undefined) => {
            const match = /^(\d+)(m|h)$/.exec(duration ?? "");
            return match === null ? 0 : Number(match[1]) * (match[2] === "h" ? 60 : 1);
        };
        for (const cluster of clusters) {
            for (const op of ["create", "update", "delete"] as const)
                assert.ok(minutes(cluster.customTimeouts?.[op]) > 34, `${cluster.name}: ${op} timeout ${cluster.customTimeouts?.[op]}`);
        }
        const providers = byType("pulumi:providers:kubernetes");
        assert.equal(providers.length, 25);
        // Every Kubernetes object goes through the provider of its own region's cluster.
        const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
        const kubernetesObjects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        // Per region at least its namespace and Besu chart (node keys come from the vaults, no Secret), and the admin's.
        assert.ok(kubernetesObjects.length >= 24 * 2 + 2);
        for (const resource of kubernetesObjects) {
            const owner = owningComponent(resource, byUrn)!;
            assert.ok(resource.provider.includes(`::${owner.name}-k8s::`), `${resource.name} uses ${resource.provider}`);
        }
    });

    it("tags every Azure resource with environment, region, owner and cost-centre", () => {
        const tagged = run.resources.filter((resource) => resource.type.startsWith("azure-native:") && "tags" in resource.inputs);
        assert.ok(tagged.length > 100);
        for (const resource of tagged) {
            const tags = resource.inputs["tags"] as Record<string, string>;
            assert.equal(tags["environment"], "prod", resource.name);
            assert.equal(tags["owner"], "chain138-platform", resource.name);
            assert.equal(tags["cost-centre"], "chain138-prod", resource.name);
            assert.ok(tags["region"], resource.name);
            const location = resource.inputs["location"] as string | undefined;
            if (location && !resource.name.startsWith("besu")) assert.equal(tags["region"], location, resource.name);
        }
    });

    // The names the --target globs anchor on (regions/targets.ts). What the globs select is the Pulumi CLI's
    // answer over these URNs: tests/e2e/targets-cli.test.ts.
    it("parents everything a region creates to its RegionDeployment and names it after the component, as its --target globs expect", () => {
        const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
        const components = byType("chain138:index:RegionDeployment");
        assert.equal(components.length, 24);
        const besuNetwork = byType("chain138:index:BesuNetwork");
        assert.equal(besuNetwork.length, 1);
        for (const component of components) {
            const cluster = run.resources.find(
                (resource) => resource.parent === component.urn && resource.type === "azure-native:containerservice:ManagedCluster",
            )!;
            const region = cluster.inputs["location"] as string;
            assert.equal(component.name, `region-${region}`);
            const children = run.resources.filter((resource) => owningComponent(resource, byUrn)?.urn === component.urn);
            assert.ok(children.length >= 8, `${region} has ${children.length} children`);
            assert.deepEqual(
                children.filter((resource) => !resource.name.startsWith(`${component.name}-`)).map((r) => r.name),
                [],
                `${region}: children named otherwise`,
            );
            const namedAfter = run.resources.filter((resource) => resource.name.startsWith(`${component.name}-`));
            assert.deepEqual(
                namedAfter.filter((resource) => !children.includes(resource)).map((r) => r.name),
                [],
                `${region}: its names outside its component`,
            );
            // BesuNetwork's resources of the region, by location or node-key label: its P2P group, 3 keys, 3 node addresses, its
            // egress address, its key vault and the vault's group.
            const besu = run.resources.filter(
                (resource) =>
                    resource.parent === besuNetwork[0].urn &&
                    (resource.inputs["location"] === region || String(resource.inputs["label"] ?? "").startsWith(`${region}-`)),
            );
            assert.equal(besu.length, 10, `${region}: ${besu.map((r) => r.name).join(" ")}`);
            for (const resource of besu) assert.ok(resource.name === `besu-p2p-${region}` || resource.name.startsWith(`besu-${region}-`), resource.name);
        }
    });

    it("never makes one region depend on another region's resources", () => {
        const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
        let checked = 0;
        for (const resource of run.resources) {
            const owner = owningComponent(resource, byUrn);
            if (owner?.type !== "chain138:index:RegionDeployment") continue;
            for (const dependency of resource.dependencies) {
                const dependencyOwner = byUrn.get(dependency) ? owningComponent(byUrn.get(dependency)!, byUrn) : undefined;
                if (dependencyOwner?.type === "chain138:index:RegionDeployment") {
                    assert.equal(dependencyOwner.urn, owner.urn, `${resource.urn} depends on ${dependency}`);
                }
                checked++;
            }
        }
        assert.ok(checked > 24 * 5, `only ${checked} dependencies seen`);
    });

    it("admits P2P port 30303 only from the fleet's 96 addresses (72 nodes, 24 egress)", () => {
        const groups = byType("azure-native:network:NetworkSecurityGroup").filter((nsg) => nsg.name.startsWith("region-"));
        assert.equal(groups.length, 24);
        const ips = byType("azure-native:network:PublicIPAddress")
            .map((ip) => `${ip.state["ipAddress"] as string}/32`)
            .sort();
        assert.equal(ips.length, 24 * 4, "2 validators + 1 sentry + 1 egress address per region");
        for (const nsg of groups) {
            const rules = nsg.inputs["securityRules"] as Record<string, unknown>[];
            const allow = rules.find((rule) => rule["access"] === "Allow")!;
            assert.equal(allow["destinationPortRange"], "30303");
            assert.deepEqual([...(allow["sourceAddressPrefixes"] as string[])].sort(), ips);
            const deny = rules.find((rule) => rule["access"] === "Deny")!;
            assert.equal(deny["sourceAddressPrefix"], "Internet");
            assert.ok((deny["priority"] as number) > (allow["priority"] as number));
        }
    });

    it("outputs per-region clusters, pools and vCPU use, and kubeconfigs only as a secret", () => {
        const regions = run.resolved["regions"] as Record<
            string,
            { vcpuUsed: number; vcpuPeak: number; vcpuQuota: number; clusterName: string; nodePools: unknown[] }
        >;
        assert.deepEqual(Object.keys(regions).sort(), [...PROD_REGIONS].sort());
        for (const [name, region] of Object.entries(regions)) {
            const cluster = byType("azure-native:containerservice:ManagedCluster").find((c) => c.inputs["location"] === name)!;
            const pools = poolsOf(cluster);
            const steady = pools.reduce((sum, pool) => sum + pool.count * azureVcpus(pool.vmSize), 0);
            const surge = pools.reduce((sum, pool) => sum + surgeOf(pool) * azureVcpus(pool.vmSize), 0);
            assert.equal(region.vcpuUsed, steady, name);
            assert.equal(region.vcpuPeak, steady + surge, name);
            assert.ok(region.vcpuPeak <= QUOTA, name);
            assert.equal(region.vcpuQuota, QUOTA, name);
            assert.equal(region.clusterName, `aks-chain138-prod-${name}`);
            assert.equal(region.clusterName, cluster.inputs["resourceName"], name);
            assert.equal(region.nodePools.length, 3);
        }
        assert.deepEqual(run.secretOutputs, ["kubeconfigs"]);
        const kubeconfigs = run.resolved["kubeconfigs"] as Record<string, string>;
        assert.equal(Object.keys(kubeconfigs).length, 25);
        for (const kubeconfig of Object.values(kubeconfigs)) {
            assert.match(kubeconfig, /--login\s*\n\s*- azurecli/);
            assert.doesNotMatch(kubeconfig, /devicecode|--client-id/);
        }
        const plain = JSON.stringify({ ...run.resolved, kubeconfigs: undefined });
        assert.doesNotMatch(plain, /kubelogin/, "no kubeconfig outside the secret output");
    });

    it("installs the Besu chart in every validator region with one genesis and the full validator mesh", () => {
        const charts = byType("kubernetes:helm.sh/v4:Chart").filter((chart) => chart.name.startsWith("region-"));
        assert.equal(charts.length, 24);
        const genesis = new Set(charts.map((chart) => JSON.stringify((chart.inputs["values"] as Record<string, unknown>)["genesis"])));
        assert.equal(genesis.size, 1, "same genesis bytes in every region");
        const besu = run.resolved["besu"] as { validatorAddresses: string[]; enodes: Record<string, string> };
        assert.equal(besu.validatorAddresses.length, 48);
        const validatorEnodes = Object.entries(besu.enodes)
            .filter(([name]) => name.includes("-validator-"))
            .map(([, enode]) => enode);
        assert.equal(validatorEnodes.length, 48);
        for (const chart of charts) {
            const values = JSON.stringify(chart.inputs["values"]);
            // Every validator enode of the fleet reaches every region's chart (as static nodes or allowlist).
            for (const enode of validatorEnodes) assert.ok(values.includes(enode), `${chart.name} lacks ${enode}`);
        }
        // Node keys reach the pods from the regions' vaults (key-custody-prod.test.ts), never through a Kubernetes Secret.
        assert.equal(byType("kubernetes:core/v1:Secret").filter((secret) => secret.name.endsWith("-node-keys")).length, 0);
    });

    it("sends each region's outbound traffic through its own egress IP, which every peer admits", () => {
        const ips = byType("azure-native:network:PublicIPAddress");
        const egress = ips.filter((ip) => ip.name.endsWith("-egress-ip"));
        assert.equal(egress.length, 24);
        const fleetCidrs = new Set(ips.map((ip) => `${ip.state["ipAddress"] as string}/32`));
        for (const cluster of byType("azure-native:containerservice:ManagedCluster")) {
            const location = cluster.inputs["location"] as string;
            const profile = (cluster.inputs["networkProfile"] as { loadBalancerProfile?: { outboundIPs: { publicIPs: { id: string }[] } } })
                .loadBalancerProfile;
            if (location === ADMIN) {
                assert.equal(profile, undefined, "the admin cluster keeps AKS-managed egress");
                continue;
            }
            const own = egress.find((ip) => ip.name === `besu-${location}-egress-ip`)!;
            assert.equal(profile!.outboundIPs.publicIPs.length, 1);
            assert.match(profile!.outboundIPs.publicIPs[0].id, new RegExp(`publicIPAddresses/${location}-egress$`));
            assert.ok(fleetCidrs.has(`${own.state["ipAddress"] as string}/32`));
        }
    });

    it("lets each cluster attach only its own region's static P2P addresses", () => {
        const grants = byType("azure-native:authorization:RoleAssignment").filter((grant) => grant.name.endsWith("-p2p-ip-access"));
        assert.equal(grants.length, 24);
        for (const grant of grants) {
            const region = grant.name.replace(/^region-/, "").replace(/-p2p-ip-access$/, "");
            assert.match(grant.inputs["scope"] as string, new RegExp(`/resourceGroups/chain138-p2p-${region}$`));
            assert.match(grant.inputs["roleDefinitionId"] as string, /4d97b98b-1d4f-4787-a291-c67834d212e7$/);
            assert.equal(grant.inputs["principalId"], `region-${region}-aks-identity-principal`);
            // The cluster is created only after its identity may use those addresses.
            const cluster = byType("azure-native:containerservice:ManagedCluster").find((c) => c.name === `region-${region}-aks`)!;
            assert.ok(cluster.dependencies.includes(grant.urn), `${cluster.name} does not wait for ${grant.name}`);
            const identity = cluster.inputs["identity"] as { type: string; userAssignedIdentities: string[] };
            assert.equal(identity.type, "UserAssigned");
            assert.match(identity.userAssignedIdentities[0], /userAssignedIdentities\/id-chain138-prod-/);
        }
    });

    it("keeps node private keys out of every stack output", () => {
        const keys = memoryVaultKeys().map((key) => key.slice(2));
        assert.ok(keys.length >= 72);
        const outputs = JSON.stringify(run.resolved);
        for (const key of keys) assert.ok(!outputs.includes(key), "a node key reached a stack output");
    });

    // `npm run preflight` checks what this program creates: its targets come from the same config through the tool's
    // own loader, and are held against the resources the program registered (read back, not recomputed).
    describe("what npm run preflight checks", () => {
        const targets = () => {
            const { config, secretKeys } = stackConfig({ stack: "prod", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
            const json = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, { value, secret: secretKeys.includes(key) }]));
            return regionTargets(preflightConfigFrom(json, "prod").fleet, []);
        };

        it("every deployed cluster, by name and group, with the vCPUs its pools reach while upgrading (AKS's surge rules)", () => {
            const all = targets();
            assert.deepEqual(
                all.map((t) => t.plan.name),
                [...PROD_REGIONS, ADMIN],
            );
            const clusters = byType("azure-native:containerservice:ManagedCluster");
            assert.deepEqual(
                all
                    .filter((t) => t.deployed)
                    .map((t) => t.plan.name)
                    .sort(),
                clusters.map((c) => c.inputs["location"] as string).sort(),
            );
            for (const cluster of clusters) {
                const target = all.find((t) => t.plan.name === cluster.inputs["location"])!;
                assert.equal(cluster.inputs["resourceName"], target.clusterName);
                assert.equal(cluster.inputs["resourceGroupName"], target.clusterResourceGroup);
                const peak = poolsOf(cluster).reduce((sum, pool) => sum + (pool.count + surgeOf(pool)) * azureVcpus(pool.vmSize), 0);
                assert.equal(target.plan.vcpuPeak, peak, target.plan.name);
            }
        });

        it("exactly the static public IPs the program allocates per validator region, in its P2P group", () => {
            for (const target of targets().filter((t) => t.kind === "validator")) {
                const ips = byType("azure-native:network:PublicIPAddress").filter((ip) => ip.inputs["location"] === target.plan.name);
                assert.equal(ips.length, target.publicIps, target.plan.name);
                for (const ip of ips) assert.equal(ip.inputs["resourceGroupName"], target.p2pResourceGroup);
            }
        });

        it("role-assignment rights in every resource group where the program creates role assignments, and no other", () => {
            const subnets = byType("azure-native:network:Subnet");
            // Mock ids: `/subscriptions/…/resourceGroups/<g>/providers/…` for most resources, `<vnet>/subnets/<name>` for subnets.
            const groupOf = (scope: string): string => {
                const inGroup = /\/resourceGroups\/([^/]+)/.exec(scope);
                if (inGroup) return inGroup[1];
                const subnet = /^(.+)\/subnets\/([^/]+)$/.exec(scope);
                const found = subnet && subnets.find((s) => s.inputs["virtualNetworkName"] === subnet[1] && s.inputs["subnetName"] === subnet[2]);
                assert.ok(found, `no resource for the role assignment scope ${scope}`);
                return found.inputs["resourceGroupName"] as string;
            };
            const granted = new Set(byType("azure-native:authorization:RoleAssignment").map((grant) => groupOf(grant.inputs["scope"] as string)));
            assert.equal(granted.size, 24 * 3 + 1, "each validator region's cluster, P2P and key-vault groups, and the admin cluster's group");
            assert.deepEqual([...new Set(targets().flatMap((t) => t.roleAssignmentGroups))].sort(), [...granted].sort());
        });
    });
});
