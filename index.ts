// Composition root: validate the stack's config, build the graph, return the stack outputs.
// Nothing is registered until the config has passed every check.
import * as authorization from "@pulumi/azure-native/authorization";
import { resolveChainEndpoints } from "./components/chain-endpoints";
import { deployContracts } from "./components/contracts";
import { deployFleet, fleetOutputs } from "./components/fleet";
import { CcipRelayer } from "./components/relayer";
import { loadFleetConfig } from "./config/load";
import type { ExportsOf, FleetStackOutputs } from "./stack/outputs";

export = async (): Promise<Partial<ExportsOf<FleetStackOutputs>>> => {
    const config = loadFleetConfig();
    // The identity running the update gets cluster admin on every cluster (components/cluster.ts); its subscription
    // names the role definitions. Asked once, and only for a stack with a fleet: dev has no Azure provider to ask.
    const deployer = config.admin === undefined ? { objectId: "", subscriptionId: "", tenantId: "" } : await authorization.getClientConfig();
    const fleet = deployFleet(config, deployer);
    // The contract suites start at once; only the fleet's own chain waits for the fleet (its readiness gate).
    const contracts = deployContracts(config, resolveChainEndpoints(config, fleet));
    // Config validation guarantees a fleet (the admin cluster) and ≥ 2 chains with our routers here.
    if (config.relayer !== undefined && fleet !== undefined && contracts !== undefined) {
        const relayed = contracts.suites.filter((suite) => suite.deployments.CCIPRouter !== undefined);
        new CcipRelayer("ccip-relayer", {
            plan: config.relayer,
            chains: relayed.map((suite) => suite.chain),
            routers: Object.fromEntries(
                relayed.map((suite) => [
                    suite.chain.name,
                    { address: suite.deployments.CCIPRouter!.address, startBlock: suite.deployments.CCIPRouter!.blockNumber },
                ]),
            ),
            provider: fleet.admin.provider,
        });
    }
    return {
        ...(fleet === undefined ? {} : fleetOutputs(config, fleet)),
        ...(contracts === undefined ? {} : { contracts: contracts.outputs }),
    };
};
