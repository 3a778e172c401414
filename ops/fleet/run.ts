// Runs start / stop / status over the selected regions in parallel and builds the ordered report.
import pLimit from "p-limit";
import { qbftQuorum } from "../../stack/qbft";
import { KubeClient, KubeCredentials, type KubeClientOptions } from "../shared/kube-client";
import { checkStop, type RegionValidators, type StopVerdict } from "./quorum";
import type { FleetCommand, FleetReport, RegionReport } from "./report";
import { isRunningValidator, readRegionNodes, scaleRegion, type NodeStatus } from "./region-state";
import type { FleetOutputs } from "./stack-outputs";

/** Regions handled at once; each region makes a handful of sequential calls. */
export const REGION_CONCURRENCY = 8;

export interface FleetRunArgs {
    command: FleetCommand;
    stack: string;
    /** Target regions, already validated against `outputs.regions`, in region order. */
    targets: string[];
    force: boolean;
    outputs: FleetOutputs;
    client: KubeClientOptions;
    /** Warnings that must be seen even with --json (stderr). */
    warn(line: string): void;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** One Kubernetes client per region (made on first use) and a bounded way to run work over regions. */
export interface RegionRunner {
    /** Runs `work` per region (at most REGION_CONCURRENCY at once); results in `regions` order. */
    eachRegion<T>(regions: string[], work: (client: KubeClient) => Promise<T>): Promise<Outcome<T>[]>;
    close(): void;
}

export function regionRunner(outputs: FleetOutputs, options: KubeClientOptions): RegionRunner {
    const clients = new Map<string, Outcome<KubeClient>>();
    const credentials = new KubeCredentials(options.execTimeoutMs);
    const clientOf = (region: string): Outcome<KubeClient> => {
        let client = clients.get(region);
        if (client === undefined) {
            try {
                client = { ok: true, value: new KubeClient(outputs.kubeconfigs[region], `kubeconfig of ${region}`, options, credentials) };
            } catch (error) {
                client = { ok: false, error: (error as Error).message };
            }
            clients.set(region, client);
        }
        return client;
    };
    const limit = pLimit(REGION_CONCURRENCY);
    // Results are collected per region and reported in `regions` order, whatever order they finish in.
    const eachRegion = <T>(regions: string[], work: (client: KubeClient) => Promise<T>): Promise<Outcome<T>[]> =>
        Promise.all(
            regions.map((region) =>
                limit(async (): Promise<Outcome<T>> => {
                    const client = clientOf(region);
                    if (!client.ok) return client;
                    try {
                        return { ok: true, value: await work(client.value) };
                    } catch (error) {
                        return { ok: false, error: (error as Error).message };
                    }
                }),
            ),
        );
    return {
        eachRegion,
        close: () => {
            for (const client of clients.values()) if (client.ok) client.value.close();
        },
    };
}

/** Runs the command; never throws for a region's failure, which lands in that region's report. */
export async function runFleetCommand(args: FleetRunArgs): Promise<FleetReport> {
    const { outputs, targets } = args;
    const rule = qbftQuorum(outputs.validatorCount);
    const runner = regionRunner(outputs, args.client);
    const eachRegion = runner.eachRegion;

    try {
        let guard: StopVerdict | undefined;
        let actions: Outcome<string>[] | undefined;
        if (args.command === "stop") {
            // The guard reads every deployed region, not just the targets: what remains is what counts.
            const before = await eachRegion(outputs.regions, (client) => readRegionNodes(client, false));
            const validators: RegionValidators[] = outputs.regions.map((region, i) => {
                const seen = before[i];
                return { region, reachable: seen.ok, running: seen.ok ? runningValidators(seen.value, outputs, region) : [] };
            });
            guard = checkStop(rule, validators, targets);
            if (!guard.allowed && !args.force) {
                const regions = targets.map((region): RegionReport => ({
                    region,
                    ok: false,
                    action: "not stopped: refused by the quorum guard",
                    error: undefined,
                    nodes: [],
                }));
                return buildReport(args, rule, guard, regions, true);
            }
            if (!guard.allowed) {
                args.warn("!!! --force: overriding the QBFT quorum guard !!!");
                args.warn(`!!! ${guard.message}`);
                args.warn("!!! Chain 138 stops producing blocks until enough validators run again. !!!");
            }
            actions = await eachRegion(targets, async (client) => describeScale(await scaleRegion(client, 0), 0));
        } else if (args.command === "start") {
            actions = await eachRegion(targets, async (client) => describeScale(await scaleRegion(client, 1), 1));
        }
        const after = await eachRegion(targets, (client) => readRegionNodes(client, true));
        const regions = targets.map((region, i): RegionReport => {
            const action = actions?.[i];
            const state = after[i];
            // A failed scale is the failure to report, even when the read afterwards worked.
            const error = action !== undefined && !action.ok ? action.error : !state.ok ? state.error : undefined;
            const nodes = state.ok ? state.value : [];
            const empty = state.ok && nodes.length === 0 ? "no Besu StatefulSets in namespace besu; is the besu-node chart installed?" : undefined;
            return {
                region,
                ok: error === undefined && empty === undefined && nodes.every((node) => node.rpcError === undefined),
                action: action?.ok ? action.value : undefined,
                error: error ?? empty,
                nodes,
            };
        });
        return buildReport(args, rule, guard, regions, false);
    } finally {
        runner.close();
    }
}

/** The region's genesis validators that are scaled up and ready. */
function runningValidators(nodes: NodeStatus[], outputs: FleetOutputs, region: string): string[] {
    const genesis = outputs.validatorsByRegion[region] ?? [];
    return nodes.filter((node) => isRunningValidator(node) && genesis.includes(node.node)).map((node) => node.node);
}

function describeScale(result: { changed: number; total: number }, replicas: number): string {
    return (
        `scaled ${result.changed} of ${result.total} StatefulSets to ${replicas}` +
        (result.changed < result.total ? ` (${result.total - result.changed} already at ${replicas})` : "")
    );
}

function buildReport(args: FleetRunArgs, rule: FleetReport["rule"], guard: StopVerdict | undefined, regions: RegionReport[], refused: boolean): FleetReport {
    const validatorsListed = args.targets.reduce((sum, region) => sum + (args.outputs.validatorsByRegion[region]?.length ?? 0), 0);
    const validatorsRunning = regions.reduce((sum, region) => sum + runningValidators(region.nodes, args.outputs, region.region).length, 0);
    const guardReport = guard === undefined ? undefined : (({ rule: _rule, ...rest }) => rest)(guard);
    return {
        command: args.command,
        stack: args.stack,
        ok: !refused && regions.every((region) => region.ok),
        refused,
        forced: guard !== undefined && !guard.allowed && !refused,
        rule,
        guard: guardReport,
        regions,
        summary: {
            regions: regions.length,
            ok: regions.filter((region) => region.ok).length,
            failed: refused ? [] : regions.filter((region) => !region.ok).map((region) => region.region),
            validatorsRunning,
            validatorsListed,
            rpcErrors: regions.reduce((sum, region) => sum + region.nodes.filter((node) => node.rpcError !== undefined).length, 0),
        },
    };
}
