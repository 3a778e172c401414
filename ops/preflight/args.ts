// Command line of `npm run preflight`.
import { parseArgs } from "node:util";

export const PREFLIGHT_USAGE = `usage: npm run preflight -- [-s <stack>] [--config <file>] [options]
  -s, --stack <stack>       stack whose config to check (\`pulumi config --json --show-secrets\`; default prod);
                            also the environment in its Azure names (rg-chain138-<stack>-<region>)
  --config <file>           read that JSON from this file instead (no Pulumi CLI needed)
  --subscription <id>       Azure subscription (default $ARM_SUBSCRIPTION_ID, $AZURE_SUBSCRIPTION_ID, or the
                            stack's azure-native:subscriptionId)
  --region <region>         check only this configured region (repeatable; default every region, admin included)
  --concurrency <n>         regions checked at once (default 6)
  --timeout <ms>            bound of one ARM call, its retries included (default 60000)
  --deadline <ms>           bound of the whole run (default 600000)
  --max-retries <n>         retries of one ARM call; 429 and 503 wait the Retry-After ARM sends (default 5)
  --json                    print the report as JSON`;

/** Parsed options. */
export interface PreflightArgs {
    stack: string;
    config?: string;
    subscription?: string;
    regions: string[];
    concurrency: number;
    timeoutMs: number;
    deadlineMs: number;
    maxRetries: number;
    json: boolean;
    help: boolean;
}

/** AbortSignal.timeout takes whole milliseconds up to 2^32 - 1. */
const MAX_MS = 2 ** 32 - 1;

function integer(value: string | undefined, fallback: number, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} ${value}: expected an integer in ${min} … ${max}`);
    return n;
}

/** Parses argv; throws with a message naming the bad flag. */
export function parsePreflightArgs(argv: readonly string[]): PreflightArgs {
    const { values } = parseArgs({
        args: [...argv],
        options: {
            stack: { type: "string", short: "s", default: "prod" },
            config: { type: "string" },
            subscription: { type: "string" },
            region: { type: "string", multiple: true, default: [] },
            concurrency: { type: "string" },
            timeout: { type: "string" },
            deadline: { type: "string" },
            "max-retries": { type: "string" },
            json: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.subscription !== undefined && !/^[0-9a-fA-F-]{36}$/.test(values.subscription)) {
        throw new Error(`--subscription ${values.subscription}: expected a subscription id (a GUID)`);
    }
    return {
        stack: values.stack,
        config: values.config,
        subscription: values.subscription,
        regions: values.region,
        concurrency: integer(values.concurrency, 6, "--concurrency", 1),
        timeoutMs: integer(values.timeout, 60_000, "--timeout", 1, MAX_MS),
        deadlineMs: integer(values.deadline, 600_000, "--deadline", 1, MAX_MS),
        maxRetries: integer(values["max-retries"], 5, "--max-retries", 0),
        json: values.json,
        help: values.help,
    };
}
