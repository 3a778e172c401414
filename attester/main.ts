// CLI: `npm run attester -- --config attester.json`. Serves signatures until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { loadAttesterConfig } from "./config";
import { startAttester } from "./index";

function line(text: string): void {
    process.stdout.write(`${new Date().toISOString()} ${text}\n`);
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { config: { type: "string", short: "c" } } });
    if (values.config === undefined) throw new Error("usage: npm run attester -- --config <attester.json>");
    const attester = await startAttester({ ...loadAttesterConfig(values.config), log: line });
    let stopping = false;
    const shutdown = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        line(`${signal}: stopping`);
        attester.stop().then(
            () => {
                line("stopped");
                process.exit(0);
            },
            (err: unknown) => {
                process.stderr.write(`attester: stop failed: ${(err as Error).message}\n`);
                process.exit(1);
            },
        );
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
    process.stderr.write(`attester: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
