// Stack outputs of a small fleet for the tools' tests, typed as the outputs contract (stack/outputs.ts) so the
// compiler keeps them in the shape the program exports (tests/unit/stack-outputs.test.ts ties the program to it).
import type { FleetStackOutputs } from "../../stack/outputs";

/** One deployed region of the fixture. */
export interface FixtureRegion {
    name: string;
    validators: number;
    sentries: number;
}

export interface FixtureOptions {
    /** Address of a validator node (`<region>-validator-<i>`); `index` counts validators fleet-wide. */
    validatorAddress: (node: string, index: number) => string;
    /** Kubeconfig YAML per cluster; default a placeholder per region and the admin. */
    kubeconfigs?: Record<string, string>;
    /** Regions configured but not deployed (a later rollout wave): in the genesis, not in `regions`. */
    undeployed?: FixtureRegion[];
    validatorChanges?: FleetStackOutputs["besu"]["validatorChanges"];
}

const ADMIN_REGION = "westeurope";

/** Outputs as `pulumi stack output --json --show-secrets` prints them for `regions` (in rollout order). */
export function fixtureStackOutputs(regions: readonly FixtureRegion[], options: FixtureOptions): FleetStackOutputs {
    const enodes: Record<string, string> = {};
    const validatorNodes: Record<string, string> = {};
    let validators = 0;
    for (const region of [...regions, ...(options.undeployed ?? [])]) {
        for (let i = 0; i < region.validators; i++) {
            const node = `${region.name}-validator-${i}`;
            validatorNodes[node] = options.validatorAddress(node, validators++);
            enodes[node] = fakeEnode(Object.keys(enodes).length);
        }
        for (let i = 0; i < region.sentries; i++) enodes[`${region.name}-sentry-${i}`] = fakeEnode(Object.keys(enodes).length);
    }
    const outputs: FleetStackOutputs = {
        regions: Object.fromEntries(
            regions.map((region) => {
                const pools = [
                    { name: "system", role: "system" as const, vmSize: "Standard_D2s_v5", count: 1, vcpus: 2 },
                    { name: "validators", role: "validator" as const, vmSize: "Standard_D2s_v5", count: region.validators, vcpus: 2 * region.validators },
                    { name: "sentries", role: "sentry" as const, vmSize: "Standard_D2s_v5", count: region.sentries, vcpus: 2 * region.sentries },
                ];
                const used = pools.reduce((sum, pool) => sum + pool.vcpus, 0);
                return [
                    region.name,
                    {
                        clusterName: `aks-chain138-test-${region.name}`,
                        resourceGroup: `rg-chain138-test-${region.name}`,
                        wave: 1,
                        nodePools: pools,
                        vcpuUsed: used,
                        vcpuSurge: 2,
                        vcpuPeak: used + 2,
                        vcpuQuota: 10,
                        maintenanceWindow: { dayOfWeek: "Monday", startHour: 0, durationHours: 4 },
                    },
                ];
            }),
        ),
        admin: {
            region: ADMIN_REGION,
            clusterName: `aks-chain138-test-${ADMIN_REGION}`,
            resourceGroup: `rg-chain138-test-${ADMIN_REGION}`,
            logAnalyticsWorkspaceId:
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs",
            backupStorageAccount: "stchain138test",
            backupContainer: "backups",
            grafana: "kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80",
        },
        rollout: { waves: [regions.map((region) => region.name)], deployWaves: 1, deployedRegions: regions.map((region) => region.name) },
        besu: {
            chainId: 138,
            validatorAddresses: Object.values(validatorNodes),
            validatorChanges: options.validatorChanges ?? { add: [], remove: [] },
            validatorNodes,
            enodes,
            genesisJson: "{}",
        },
        rpc: { regions: Object.fromEntries(regions.map((region, i) => [region.name, { private: `http://10.${i + 1}.16.4:8545` }])) },
        kubeconfigs:
            options.kubeconfigs ??
            Object.fromEntries([...regions.map((region) => region.name), ADMIN_REGION].map((name) => [name, `apiVersion: v1\n# ${name}\n`])),
    };
    return outputs;
}

function fakeEnode(index: number): string {
    return `enode://${index.toString(16).padStart(2, "0").repeat(64)}@10.0.${index >> 8}.${index & 255}:30303`;
}
