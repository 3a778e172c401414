// Composition root: validate the stack's config, build the graph, return the stack outputs.
// Nothing is registered until the config has passed every check.
import { deployContracts } from "./components/contracts";
import { deployFleet, fleetOutputs } from "./components/fleet";
import { loadFleetConfig } from "./config/load";

export = async (): Promise<Record<string, unknown>> => {
    const config = loadFleetConfig();
    const fleet = deployFleet(config);
    // The contract suites start at once: nothing in them waits for the fleet.
    const contracts = deployContracts(config);
    return {
        ...(fleet === undefined ? {} : fleetOutputs(config, fleet)),
        ...(contracts === undefined ? {} : { contracts: contracts.outputs }),
    };
};
