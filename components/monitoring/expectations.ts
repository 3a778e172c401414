// The fleet's expected shape as Prometheus recording rules: the alert rules (monitoring/rules/chain138.rules.yaml)
// compare what the agents report with these series, so no fleet size is written into a rule file.
import { planFleet } from "../besu/network";
import { qbftQuorum } from "../../stack/qbft";

/** One validator region as the expectations see it. */
export interface ExpectedRegion {
    readonly region: string;
    /** Whether this stack deploys the region (rollout waves): only deployed nodes can report or peer. */
    readonly deployed: boolean;
}

/** Inputs of {@link fleetExpectationRules}. */
export interface FleetExpectationsArgs {
    /** Every validator region of the genesis, deployed or not (the quorum counts all their validators). */
    readonly regions: readonly ExpectedRegion[];
    readonly validatorsPerRegion: number;
    readonly sentriesPerRegion: number;
    /** QBFT `blockperiodseconds` of the genesis. */
    readonly blockPeriodSeconds: number;
}

/** A Prometheus recording rule. */
export interface RecordingRule {
    readonly record: string;
    readonly expr: string;
    readonly labels?: Readonly<Record<string, string>>;
}

/** A rule group in Prometheus rule-file format (and PrometheusRule `spec.groups`). */
export interface RuleGroup {
    readonly name: string;
    readonly interval?: string;
    readonly rules: readonly RecordingRule[];
}

export const EXPECTATIONS_GROUP = "chain138-fleet-expectations";

/**
 * Expected peers of each deployed node, from the fleet's static mesh (components/besu/peers.ts): a validator dials
 * every other validator (`validatorStaticNodes`) and is dialled by its own region's sentries (`sentryStaticNodes`);
 * a sentry dials its region's validators. Besu counts a connection once whichever side opened it.
 */
export function expectedPeers(args: FleetExpectationsArgs): { region: string; role: "validator" | "sentry"; node: string; peers: number }[] {
    const deployed = args.regions.filter((r) => r.deployed);
    const nodes = planFleet({
        chainId: 1,
        regions: deployed.map((r) => ({ region: r.region, validatorCount: args.validatorsPerRegion, sentryCount: args.sentriesPerRegion, zones: [] })),
    });
    const deployedValidators = nodes.filter((n) => n.role === "validator").length;
    return nodes.map((n) => ({
        region: n.region,
        role: n.role,
        node: n.name,
        peers: n.role === "validator" ? deployedValidators - 1 + args.sentriesPerRegion : args.validatorsPerRegion,
    }));
}

/** The recording-rule group the admin Prometheus evaluates next to the alert rules. */
export function fleetExpectationRules(args: FleetExpectationsArgs): RuleGroup {
    for (const [key, value] of [
        ["validatorsPerRegion", args.validatorsPerRegion],
        ["sentriesPerRegion", args.sentriesPerRegion],
        ["blockPeriodSeconds", args.blockPeriodSeconds],
    ] as const) {
        if (!Number.isSafeInteger(value) || value < (key === "sentriesPerRegion" ? 0 : 1)) {
            throw new Error(`fleet expectations: ${key} must be a whole number${key === "sentriesPerRegion" ? "" : " ≥ 1"}; got ${value}`);
        }
    }
    const validators = args.regions.length * args.validatorsPerRegion;
    const { quorum } = qbftQuorum(validators);
    const constant = (record: string, value: number): RecordingRule => ({ record, expr: `vector(${value})` });
    return {
        name: EXPECTATIONS_GROUP,
        interval: "1m",
        rules: [
            constant("chain138:expected_validators", validators),
            constant("chain138:qbft_quorum", quorum),
            constant("chain138:validators_per_region", args.validatorsPerRegion),
            constant("chain138:block_period_seconds", args.blockPeriodSeconds),
            ...expectedPeers(args).map((n) => ({
                record: "chain138:node_expected_peers",
                expr: `vector(${n.peers})`,
                labels: { region: n.region, role: n.role, node: n.node },
            })),
        ],
    };
}
