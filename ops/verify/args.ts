// Command line of `npm run verify`.
import { parseArgs } from "node:util";

export const VERIFY_USAGE = `usage: npm run verify -- [-s <stack>] [--outputs <file>] [options]
  -s, --stack <stack>        stack whose outputs to read with the Pulumi CLI (default prod)
  --outputs <file>           read the outputs from this file instead (\`pulumi stack output --json --show-secrets\`)
  --rpc <key>=<url>          JSON-RPC route instead of the Kubernetes API proxy; key is a region (its RPC
                             service) or a validator (<region>-validator-<i>); repeatable
  --chain-rpc <chain>=<url>  JSON-RPC URL of a contract chain (overrides the stack's chain config); repeatable
  --region <region>          check only this region (repeatable; default every deployed region)
  --timeout <ms>             per API/JSON-RPC call (default 10000)
  --sample <ms>              pause between the two eth_blockNumber samples (default 5000; blocks every 2 s)
  --max-lag <blocks>         how far a node may trail the fleet head (default 5)
  --concurrency <n>          regions checked at once (default 8)
  --json                     print the report as JSON`;

/** Parsed options. */
export interface VerifyArgs {
    stack: string;
    outputs?: string;
    rpc: Map<string, string>;
    chainRpc: Map<string, string>;
    regions: string[];
    timeoutMs: number;
    sampleMs: number;
    maxLag: number;
    concurrency: number;
    json: boolean;
    help: boolean;
}

function pairs(values: readonly string[], flag: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const value of values) {
        const at = value.indexOf("=");
        if (at <= 0 || at === value.length - 1) throw new Error(`${flag} ${value}: expected <key>=<url>`);
        const key = value.slice(0, at);
        const url = value.slice(at + 1);
        if (!/^https?:\/\//.test(url)) throw new Error(`${flag} ${key}: "${url}" is not an http(s) URL`);
        if (out.has(key)) throw new Error(`${flag} ${key} given twice`);
        out.set(key, url);
    }
    return out;
}

function positiveInt(value: string | undefined, fallback: number, flag: string, min = 1): number {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} ${value}: expected an integer ≥ ${min}`);
    return n;
}

/** Parses argv; throws with a message naming the bad flag. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
    const { values } = parseArgs({
        args: [...argv],
        options: {
            stack: { type: "string", short: "s", default: "prod" },
            outputs: { type: "string" },
            rpc: { type: "string", multiple: true, default: [] },
            "chain-rpc": { type: "string", multiple: true, default: [] },
            region: { type: "string", multiple: true, default: [] },
            timeout: { type: "string" },
            sample: { type: "string" },
            "max-lag": { type: "string" },
            concurrency: { type: "string" },
            json: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    return {
        stack: values.stack,
        outputs: values.outputs,
        rpc: pairs(values.rpc, "--rpc"),
        chainRpc: pairs(values["chain-rpc"], "--chain-rpc"),
        regions: values.region,
        timeoutMs: positiveInt(values.timeout, 10_000, "--timeout"),
        sampleMs: positiveInt(values.sample, 5_000, "--sample", 0),
        maxLag: positiveInt(values["max-lag"], 5, "--max-lag", 0),
        concurrency: positiveInt(values.concurrency, 8, "--concurrency"),
        json: values.json,
        help: values.help,
    };
}
