// `npm run targets -- <region…>` / `--failed`: prints the exact `pulumi up --target …` retry command.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { retryCommand } from "../../regions/targets";
import { runPulumi } from "../shared/pulumi-cli";
import { failuresFromEventLog, failuresFromState, type FailedResource } from "./failures";
import { chainOfUrn, regionOfUrn, validateChains, validateRegions } from "./regions";

/** Where the command's text goes (tests capture it). */
export interface TargetsIo {
    out(line: string): void;
    err(line: string): void;
}

export const TARGETS_USAGE = `usage: npm run targets -- [-s <stack>] [<region…>] [--chain <name>…]
       npm run targets -- [-s <stack>] --failed [--event-log <file> | --state <file>]
  -s, --stack <stack>   stack to retry (default prod)
  --chain <name>        retry a chain's contract suite (and the CCIP lanes that depend on it); repeatable
  --failed              retry the regions and chains whose resources failed in the last update
  --event-log <file>    JSON lines written by \`PULUMI_DEBUG_COMMANDS=true pulumi up --event-log <file>\`
  --state <file>        output of \`pulumi stack export\` (default: run it, when the CLI exists)`;

async function loadFailures(stack: string, eventLog: string | undefined, state: string | undefined, io: TargetsIo): Promise<FailedResource[]> {
    if (eventLog !== undefined) {
        const { failed, complete } = failuresFromEventLog(readFileSync(eventLog, "utf8"), eventLog);
        if (!complete) io.err(`warning: ${eventLog} has no summaryEvent; the update may have been cut off, so the failure list may be short`);
        return failed;
    }
    if (state !== undefined) return failuresFromState(readFileSync(state, "utf8"), state);
    return failuresFromState(await runPulumi(["stack", "export", "-s", stack]), `pulumi stack export -s ${stack}`);
}

/** Runs the CLI; returns the exit code (0 command printed, 1 nothing to retry or unmapped failures, 2 usage). */
export async function runTargets(argv: readonly string[], io: TargetsIo): Promise<number> {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            allowPositionals: true,
            options: {
                stack: { type: "string", short: "s", default: "prod" },
                failed: { type: "boolean", default: false },
                chain: { type: "string", multiple: true, default: [] },
                "event-log": { type: "string" },
                state: { type: "string" },
                help: { type: "boolean", short: "h", default: false },
            },
        });
    } catch (error) {
        io.err(`${(error as Error).message}\n${TARGETS_USAGE}`);
        return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
        io.out(TARGETS_USAGE);
        return 0;
    }
    const failedMode = values.failed || values["event-log"] !== undefined || values.state !== undefined;
    const named = positionals.length > 0 || values.chain.length > 0;
    if (failedMode === named) {
        io.err(`give either region/chain names or --failed, not ${failedMode ? "both" : "neither"}\n${TARGETS_USAGE}`);
        return 2;
    }
    if (values["event-log"] !== undefined && values.state !== undefined) {
        io.err(`give --event-log or --state, not both\n${TARGETS_USAGE}`);
        return 2;
    }
    try {
        if (!failedMode) {
            io.out(retryCommand(values.stack, validateRegions(positionals), validateChains(values.chain)));
            return 0;
        }
        const failed = await loadFailures(values.stack, values["event-log"], values.state, io);
        const byRegion = new Map<string, FailedResource[]>();
        const byChain = new Map<string, FailedResource[]>();
        const unmapped: FailedResource[] = [];
        for (const resource of failed) {
            const region = regionOfUrn(resource.urn);
            const chain = region === undefined ? chainOfUrn(resource.urn) : undefined;
            if (region !== undefined) byRegion.set(region, [...(byRegion.get(region) ?? []), resource]);
            else if (chain !== undefined) byChain.set(chain, [...(byChain.get(chain) ?? []), resource]);
            else unmapped.push(resource);
        }
        for (const [group, resources] of [...byRegion, ...[...byChain].map(([chain, rs]) => [`chain ${chain}`, rs] as const)]) {
            io.err(`# ${group}: ${resources.length} failed`);
            for (const r of resources) io.err(`#   ${r.urn}  (${r.reasons.join("; ")})`);
        }
        for (const r of unmapped) io.err(`# not in any region or chain (retry it by URN): ${r.urn}  (${r.reasons.join("; ")})`);
        if (byRegion.size === 0 && byChain.size === 0) {
            io.err(unmapped.length === 0 ? "no failed resources found: nothing to retry" : "no failed resource belongs to a region or chain");
            return 1;
        }
        io.out(retryCommand(values.stack, [...byRegion.keys()].sort(), [...byChain.keys()].sort()));
        // Unmapped failures are not covered by the printed command: say so in the exit code.
        return unmapped.length === 0 ? 0 : 1;
    } catch (error) {
        io.err(`targets: ${(error as Error).message}`);
        return 1;
    }
}
