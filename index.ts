// Composition root: validate the stack's config, build the graph, return the stack outputs.
// Nothing is registered until the config has passed every check.
import { deployFleet, fleetOutputs } from "./components/fleet";
import { loadFleetConfig } from "./config/load";

export = async (): Promise<Record<string, unknown>> => {
    const config = loadFleetConfig();
    const fleet = deployFleet(config);
    return fleet === undefined ? {} : fleetOutputs(config, fleet);
};
