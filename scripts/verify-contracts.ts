// npm run verify:contracts -- -s <stack> | --outputs <file> | --addresses <file> [--explorers <file>] [--json] …
// Publishes the suite's sources on the block explorers of every chain it is deployed on.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CONTRACT_NAMES, type SolcInputRecord } from "../contracts/artifacts";
import {
    explorersFromStackConfig,
    formatTable,
    jsonReport,
    orderResults,
    deploymentFromOutputs,
    parseAddressesFile,
    parseExplorers,
    stackConfigValue,
    summaryLine,
    verifyAll,
    type DeployedContract,
    type ExplorersConfig,
} from "../ops/explorer";
import { stackConfig } from "../ops/explorer/pulumi";
import { loadStackOutputs } from "../ops/shared/stack-outputs";
import { applyChainsConfig } from "../ops/explorer/stack-chains";

const PROJECT = "chain138";

const USAGE = `usage: npm run verify:contracts -- (-s <stack> | --outputs <file> | --addresses <file>) [options]

  -s, --stack <name>       read the stack's outputs (contracts) and config (${PROJECT}:explorers) with the Pulumi CLI
  --outputs <file>         stack outputs JSON instead (\`pulumi stack output --json\`)
  --addresses <file>       { <chain>: { <ContractName>: address | {address, txHash?, constructorArgs?} } }
  --explorers <file>       { <chain>: { apiUrl, apiKey?, chainId, rpcUrl?, concurrency? } } (default: stack config)
  --config <file>          stack config JSON (\`pulumi config --json --show-secrets\`) instead of the CLI: supplies
                           ${PROJECT}:explorers and, from ${PROJECT}:chains, RPC URLs and existing contracts to skip
  --chain <name>           only this chain (repeatable)
  --contract <Name>        only this contract (repeatable)
  --solc-input <file>      standard-JSON input record to submit (default contracts/build/solc-input.json)
  --timeout <seconds>      deadline per contract (default 300)
  --poll-interval <sec>    pause between status polls (default 5)
  --json                   print the report as JSON
Exit code: 0 all verified or already verified, 1 any contract failed, 2 bad usage or input.`;

class UsageError extends Error {}

function readJson(file: string, what: string): unknown {
    try {
        return JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new UsageError(`cannot read ${what} ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
}

function seconds(value: string | undefined, flag: string): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number of seconds, got "${value}"`);
    return Math.round(n * 1000);
}

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string", short: "s" },
            outputs: { type: "string" },
            addresses: { type: "string" },
            explorers: { type: "string" },
            config: { type: "string" },
            chain: { type: "string", multiple: true },
            contract: { type: "string", multiple: true },
            "solc-input": { type: "string" },
            timeout: { type: "string" },
            "poll-interval": { type: "string" },
            json: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
        strict: true,
        allowPositionals: false,
    });
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    const sources = [values.stack, values.outputs, values.addresses].filter((v) => v !== undefined);
    if (sources.length !== 1) throw new UsageError("give exactly one of -s <stack>, --outputs <file>, --addresses <file>");
    for (const name of values.contract ?? []) {
        if (!(CONTRACT_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown contract ${name} (have: ${CONTRACT_NAMES.join(", ")})`);
    }

    let targets: DeployedContract[] =
        values.addresses !== undefined
            ? parseAddressesFile(readJson(values.addresses, "addresses"))
            : deploymentFromOutputs(await loadStackOutputs(values.stack, values.outputs));
    if (values.chain !== undefined) {
        const unknown = values.chain.filter((c) => !targets.some((t) => t.chain === c));
        if (unknown.length > 0) throw new UsageError(`no deployed contracts on chain(s) ${unknown.join(", ")}`);
        targets = targets.filter((t) => values.chain!.includes(t.chain));
    }
    if (values.contract !== undefined) targets = targets.filter((t) => values.contract!.includes(t.contract));
    if (targets.length === 0) throw new UsageError("nothing to verify after --chain/--contract filters");

    let explorers: ExplorersConfig;
    const config = values.config !== undefined ? readJson(values.config, "config") : values.stack !== undefined ? await stackConfig(values.stack) : undefined;
    if (values.explorers !== undefined) explorers = parseExplorers(readJson(values.explorers, "explorers"));
    else if (config !== undefined) explorers = parseExplorers(explorersFromStackConfig(config, `${PROJECT}:explorers`));
    else throw new UsageError("--explorers <file> is required without -s <stack>");
    // The stack's chains config knows each chain's RPC URL and which contracts it did not deploy.
    const chainsConfig = config === undefined ? undefined : stackConfigValue(config, `${PROJECT}:chains`);
    if (chainsConfig !== undefined) {
        const applied = applyChainsConfig(targets, explorers, chainsConfig);
        for (const { target, reason } of applied.skipped) console.error(`skipping ${target.chain} ${target.contract} ${target.address}: ${reason}`);
        ({ targets, explorers } = applied);
        if (targets.length === 0) throw new UsageError("nothing to verify: every listed contract is a configured existing one");
    }

    const solcInput = values["solc-input"] === undefined ? undefined : (readJson(values["solc-input"], "solc input") as SolcInputRecord);
    const chains = [...new Set(targets.map((t) => t.chain))];
    if (!values.json) console.error(`verifying ${targets.length} contracts on ${chains.join(", ")}`);
    const results = await verifyAll(targets, explorers, {
        solcInput,
        timeoutMs: seconds(values.timeout, "--timeout"),
        pollIntervalMs: seconds(values["poll-interval"], "--poll-interval"),
        // Progress in completion order on stderr; the ordered report goes to stdout at the end.
        onResult: (r) => console.error(`  ${r.chain} ${r.contract} ${r.status} (${(r.elapsedMs / 1000).toFixed(1)}s)`),
    });
    const ordered = orderResults(results, chains);
    if (values.json) console.log(jsonReport(ordered));
    else console.log(`${formatTable(ordered)}\n\n${summaryLine(ordered)}`);
    return ordered.some((r) => r.status === "failed") ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        if (error instanceof UsageError) console.error(`\n${USAGE}`);
        process.exit(2);
    },
);
