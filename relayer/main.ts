// CLI: `npm run relayer -- --config relayer.json`. Runs the relayer until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { loadConfig } from "./config";
import { startRelayer } from "./index";

function line(text: string): void {
    process.stdout.write(`${new Date().toISOString()} ${text}\n`);
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { config: { type: "string", short: "c" } } });
    if (values.config === undefined) throw new Error("usage: npm run relayer -- --config <relayer.json>");
    const options = loadConfig(values.config);
    const relayer = await startRelayer({ ...options, log: line });
    let stopping = false;
    const shutdown = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        line(`${signal}: stopping`);
        relayer.stop().then(
            () => {
                line("stopped");
                process.exit(0);
            },
            (err: unknown) => {
                process.stderr.write(`relayer: stop failed: ${(err as Error).message}\n`);
                process.exit(1);
            },
        );
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
    process.stderr.write(`relayer: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
