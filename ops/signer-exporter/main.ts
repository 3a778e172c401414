// CLI: `npm run signer-exporter -- --rpc http://<validator>:8545 [--rpc …] [--validators validators.json]
//       [--window-blocks 192] [--interval 30] [--timeout 5] [--port 9548]`. Runs until SIGINT/SIGTERM.
// --validators: a JSON object node name → validator address (the `besu.validatorNodes` stack output's shape), giving
// each series its `node` label.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { startSignerExporter } from "./exporter";

function line(text: string): void {
    process.stdout.write(`${new Date().toISOString()} ${text}\n`);
}

const validatorNodesSchema = z.record(z.string().min(1), z.string().regex(/^0x[0-9a-fA-F]{40}$/, "a validator address"));

/** A whole number of at least `min` from option `name`, or `fallback` when not given. */
function whole(name: string, value: string | undefined, fallback: number, min: number): number {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}; got "${value}"`);
    return n;
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            rpc: { type: "string", multiple: true },
            validators: { type: "string" },
            "window-blocks": { type: "string" },
            interval: { type: "string" },
            timeout: { type: "string" },
            port: { type: "string" },
        },
    });
    if (values.rpc === undefined || values.rpc.length === 0) throw new Error("usage: npm run signer-exporter -- --rpc http://<node>:8545 [--rpc …]");
    let nodeNames: Record<string, string> = {};
    if (values.validators !== undefined) {
        const parsed = validatorNodesSchema.safeParse(JSON.parse(readFileSync(values.validators, "utf8")));
        if (!parsed.success) throw new Error(`--validators ${values.validators}: ${z.prettifyError(parsed.error)}`);
        nodeNames = Object.fromEntries(Object.entries(parsed.data).map(([node, address]) => [address, node]));
    }
    const exporter = await startSignerExporter({
        rpcUrls: values.rpc,
        nodeNames,
        windowBlocks: whole("window-blocks", values["window-blocks"], 100, 1),
        intervalMs: whole("interval", values.interval, 30, 1) * 1000,
        timeoutMs: whole("timeout", values.timeout, 5, 1) * 1000,
        port: whole("port", values.port, 9548, 0),
        log: line,
    });
    let stopping = false;
    const shutdown = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        line(`${signal}: stopping`);
        // Bounded: a stuck poll ends within its RPC timeouts; exit regardless after 15 s.
        setTimeout(() => process.exit(1), 15_000).unref();
        exporter.stop().then(
            () => process.exit(0),
            (err: unknown) => {
                process.stderr.write(`signer exporter: stop failed: ${(err as Error).message}\n`);
                process.exit(1);
            },
        );
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
    process.stderr.write(`signer exporter: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
