// Composition root: validate the stack's config, build the graph, return the stack outputs.
// Nothing is registered until the config has passed every check.
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { resolveChainEndpoints } from "./components/chain-endpoints";
import { deployContracts } from "./components/contracts";
import { deployFleet, deployOwnClusters, fleetOutputs, ownClusterFleetOutputs } from "./components/fleet";
import { CcipAttester } from "./components/attester";
import { CcipRelayer, type RelayerAttester } from "./components/relayer";
import { addressAt, parseCidr } from "./regions/cidr";
import { ATTESTER_LB_HOST } from "./stack/names";
import { loadFleetConfig } from "./config/load";
import type { ExportsOf, FleetStackOutputs } from "./stack/outputs";

export = async (): Promise<Partial<ExportsOf<FleetStackOutputs>>> => {
    const config = loadFleetConfig();
    // The identity running the update gets cluster admin on every cluster (components/cluster.ts); its subscription
    // names the role definitions. Asked once, and only for a stack with a fleet: dev has no Azure provider to ask.
    const deployer = config.admin === undefined ? { objectId: "", subscriptionId: "", tenantId: "" } : await authorization.getClientConfig();
    const fleet = deployFleet(config, deployer);
    // A stack of the operator's own clusters instead (config validation allows one or the other).
    const ownFleet = deployOwnClusters(config);
    // The contract suites start at once; only the fleet's own chain waits for the fleet (its readiness gate).
    const contracts = deployContracts(config, resolveChainEndpoints(config, fleet));
    // Config validation guarantees a fleet (the admin cluster) and ≥ 2 chains with our routers here.
    if (fleet !== undefined && contracts !== undefined && (config.relayer !== undefined || config.attesters.length > 0)) {
        const relayed = contracts.suites.filter((suite) => suite.deployments.CCIPRouter !== undefined);
        const chains = relayed.map((suite) => suite.chain);
        const routers = Object.fromEntries(
            relayed.map((suite) => [
                suite.chain.name,
                { address: suite.deployments.CCIPRouter!.address, startBlock: suite.deployments.CCIPRouter!.blockNumber },
            ]),
        );
        // Each deployed attester in its own region's cluster (config validation: a validator region, never the admin one).
        const attesters: RelayerAttester[] = config.attesters.map((plan) => {
            if (plan.kind === "external") return { name: plan.name, address: plan.address, url: plan.url, token: plan.token };
            const region = fleet.regions.find((r) => r.region === plan.region);
            const regionPlan = config.deployedRegions.find((r) => r.name === plan.region);
            const subnet = regionPlan === undefined ? undefined : parseCidr(regionPlan.rpcSubnetCidr);
            if (region === undefined || subnet === undefined) {
                throw new pulumi.RunError(
                    `attester ${plan.name}: region ${plan.region} is not deployed in this run (rollout.deployWaves?) or has no internal-lb subnet`,
                );
            }
            const attester = new CcipAttester(`ccip-attester-${plan.name}`, {
                plan,
                chains,
                routers,
                regionRpcUrl: region.privateRpcUrl,
                serviceIp: addressAt(subnet, ATTESTER_LB_HOST),
                hubCidr: fleet.admin.hub.sourceCidr,
                provider: region.provider,
            });
            return { name: plan.name, address: plan.address, url: attester.url, token: plan.token };
        });
        if (config.relayer !== undefined) {
            new CcipRelayer("ccip-relayer", { plan: config.relayer, chains, routers, attesters, provider: fleet.admin.provider });
        }
    }
    return {
        ...(fleet === undefined ? {} : fleetOutputs(config, fleet)),
        ...(ownFleet === undefined ? {} : ownClusterFleetOutputs(config, ownFleet)),
        ...(contracts === undefined ? {} : { contracts: contracts.outputs }),
    };
};
