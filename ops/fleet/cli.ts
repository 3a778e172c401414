// `npm run fleet -- start|stop|status|roll <region…|all> -s <stack>` and `votes -s <stack>`: argument handling and exit code.
import { parseArgs } from "node:util";
import { renderJson, renderText, type FleetCommand } from "./report";
import { runFleetCommand } from "./run";
import { loadFleetOutputs, type FleetOutputs } from "./stack-outputs";
import { renderVotes, runVotes } from "./votes-run";
import { ROLL_DEFAULTS, runRoll } from "./roll";

export const FLEET_USAGE = `usage: npm run fleet -- start|stop|status|roll <region…|all> -s <stack> [options]
       npm run fleet -- votes -s <stack> [--apply] [options]
  start              scale the regions' Besu StatefulSets to 1 replica
  stop               scale them to 0 (refused if fewer validators than QBFT needs would remain)
  status             pods ready, block height and peers per node
  roll               restart the regions' outdated pods (a chart change under updateStrategy OnDelete) one region
                     at a time, each only once the previous one has rejoined and the quorum guard allows it
  votes              plan the QBFT votes that bring the on-chain validator set to the stack's (a region added or
                     removed after launch); --apply casts the first vote on every running validator
  <region…|all>      deployed validator regions of the stack, or all of them
  -s, --stack <name> stack whose outputs hold the regions and kubeconfigs (required)
  --outputs <file>   read the outputs from \`pulumi stack output --json --show-secrets\` saved to a file
  --force            stop even when the quorum guard refuses (warns loudly)
  --json             print one JSON document instead of text
  --region-timeout <s>  roll: how long one region may take to rejoin (default 900)
  --poll <s>         roll: pause between checks while a region rejoins (default 5)
  --timeout <s>      per-request timeout in seconds (default 10)
  --retries <n>      retries of a failed request: network, timeout, 429, 5xx (default 2)
exit: 0 ok, 1 a region failed, 2 bad usage, unreadable outputs, or refused by the quorum guard`;

/** Where the command's text goes (tests capture it). */
export interface FleetIo {
    out(line: string): void;
    err(line: string): void;
}

class UsageError extends Error {}

/** Runs the fleet command line; returns the exit code. */
export async function runFleetCli(argv: string[], io: FleetIo): Promise<number> {
    let parsed: ReturnType<typeof parse>;
    try {
        parsed = parse(argv);
    } catch (error) {
        io.err(`error: ${(error as Error).message}`);
        io.err(FLEET_USAGE);
        return 2;
    }
    if (parsed === "help") {
        io.out(FLEET_USAGE);
        return 0;
    }
    let outputs: FleetOutputs;
    try {
        outputs = await loadFleetOutputs(parsed.stack, parsed.outputsFile);
    } catch (error) {
        io.err(`error: ${(error as Error).message}`);
        return 2;
    }
    if (parsed.command === "roll") {
        const regionsToRoll = parsed.regions.includes("all") ? outputs.regions : outputs.regions.filter((region) => parsed.regions.includes(region));
        const unknownRoll = parsed.regions.filter((region) => region !== "all" && !outputs.regions.includes(region));
        if (unknownRoll.length > 0) {
            io.err(`error: not a deployed validator region of stack ${parsed.stack}: ${unknownRoll.join(", ")}`);
            return 2;
        }
        const result = await runRoll(
            outputs,
            regionsToRoll,
            { timeoutMs: parsed.timeoutMs, retries: parsed.retries, retryDelayMs: 250, execTimeoutMs: 120_000 },
            {
                ...ROLL_DEFAULTS,
                regionTimeoutMs: parsed.regionTimeoutMs,
                pollMs: parsed.pollMs,
            },
        );
        for (const line of result.lines) (result.ok ? io.out : io.err)(line);
        return result.ok ? 0 : 1;
    }
    if (parsed.command === "votes") {
        const report = await runVotes(
            outputs,
            { timeoutMs: parsed.timeoutMs, retries: parsed.retries, retryDelayMs: 250, execTimeoutMs: 120_000 },
            parsed.apply,
        );
        if (parsed.json) io.out(JSON.stringify(report, null, 2));
        else for (const line of renderVotes(report)) (report.ok ? io.out : io.err)(line);
        return report.ok ? 0 : 1;
    }
    if (outputs.regions.length === 0) {
        io.err(`error: stack ${parsed.stack} has no deployed validator regions`);
        return 2;
    }
    const unknown = parsed.regions.filter((region) => region !== "all" && !outputs.regions.includes(region));
    if (unknown.length > 0) {
        io.err(`error: not a deployed validator region of stack ${parsed.stack}: ${unknown.join(", ")}; deployed: ${outputs.regions.join(", ")}`);
        return 2;
    }
    // Region order is the stack's order, whatever order they were named in.
    const targets = parsed.regions.includes("all") ? outputs.regions : outputs.regions.filter((region) => parsed.regions.includes(region));

    const report = await runFleetCommand({
        command: parsed.command,
        stack: parsed.stack,
        targets,
        force: parsed.force,
        outputs,
        client: { timeoutMs: parsed.timeoutMs, retries: parsed.retries, retryDelayMs: 250, execTimeoutMs: 120_000 },
        warn: io.err,
    });
    if (parsed.json) io.out(renderJson(report));
    else for (const line of renderText(report)) (report.refused ? io.err : io.out)(line);
    if (report.refused) return 2;
    return report.ok ? 0 : 1;
}

interface ParsedArgs {
    command: FleetCommand | "votes" | "roll";
    regionTimeoutMs: number;
    pollMs: number;
    apply: boolean;
    regions: string[];
    stack: string;
    outputsFile: string | undefined;
    force: boolean;
    json: boolean;
    timeoutMs: number;
    retries: number;
}

function parse(argv: string[]): ParsedArgs | "help" {
    let values;
    let positionals;
    try {
        ({ values, positionals } = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                stack: { type: "string", short: "s" },
                outputs: { type: "string" },
                force: { type: "boolean", default: false },
                apply: { type: "boolean", default: false },
                "region-timeout": { type: "string", default: "900" },
                poll: { type: "string", default: "5" },
                json: { type: "boolean", default: false },
                timeout: { type: "string", default: "10" },
                retries: { type: "string", default: "2" },
                help: { type: "boolean", short: "h", default: false },
            },
        }));
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
    if (values.help) return "help";
    const [command, ...named] = positionals;
    if (command !== "start" && command !== "stop" && command !== "status" && command !== "votes" && command !== "roll") {
        throw new UsageError(
            command === undefined
                ? "missing command (start, stop, status, roll or votes)"
                : `unknown command "${command}" (start, stop, status, roll or votes)`,
        );
    }
    const regionTimeout = Number(values["region-timeout"]);
    if (!Number.isFinite(regionTimeout) || regionTimeout <= 0 || regionTimeout > 7200)
        throw new UsageError(`--region-timeout must be seconds in (0, 7200], got "${values["region-timeout"]}"`);
    const poll = Number(values.poll);
    if (!Number.isFinite(poll) || poll <= 0 || poll > 300) throw new UsageError(`--poll must be seconds in (0, 300], got "${values.poll}"`);
    if (command === "votes" && named.length > 0) throw new UsageError("votes takes no regions: it reads every deployed region");
    if (values.apply && command !== "votes") throw new UsageError("--apply only applies to votes");
    const regions = command === "votes" ? ["all"] : named;
    // No default: a bare `stop` must never mean every region.
    if (regions.length === 0) throw new UsageError(`${command} needs regions or "all"`);
    if (regions.includes("all") && regions.length > 1) throw new UsageError(`"all" cannot be combined with region names`);
    if (values.stack === undefined) throw new UsageError("-s <stack> is required");
    if (values.force && command !== "stop") throw new UsageError("--force only applies to stop");
    const timeout = Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 600) throw new UsageError(`--timeout must be seconds in (0, 600], got "${values.timeout}"`);
    const retries = Number(values.retries);
    if (!Number.isInteger(retries) || retries < 0 || retries > 10) throw new UsageError(`--retries must be an integer 0–10, got "${values.retries}"`);
    return {
        command,
        apply: values.apply,
        regionTimeoutMs: Math.round(regionTimeout * 1000),
        pollMs: Math.round(poll * 1000),
        regions,
        stack: values.stack,
        outputsFile: values.outputs,
        force: values.force,
        json: values.json,
        timeoutMs: Math.round(timeout * 1000),
        retries,
    };
}
