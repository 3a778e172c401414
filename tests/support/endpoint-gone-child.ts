// Child process for tests/providers/endpoint-gone.test.ts: runs ContractDeployment create against a dead
// endpoint ITERATIONS times, sampling heapUsed and RSS after a forced GC, then prints one JSON line and returns
// without process.exit, so it only exits if nothing (timer, socket) is left behind. Run with --expose-gc.
//   DEAD_RPC_URL=<url nothing listens on>  ITERATIONS=<n>
import { contractDeploymentProvider } from "../../contracts/providers/contract-deployment";
import { RPC_DEFAULTS, rpcCallBoundMs } from "../../contracts/providers/rpc";
import { deploymentInputs } from "../../devkit/provider-inputs";

// A shorter retry budget, so that 30 failures take seconds rather than minutes: the same code paths run
// (every attempt and backoff), only fewer and shorter. The process is this test's alone.
Object.assign(RPC_DEFAULTS as { retries: number; minDelayMs: number; maxDelayMs: number }, { retries: 2, minDelayMs: 10, maxDelayMs: 40 });

async function main(): Promise<void> {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) throw new Error("run with --expose-gc");
    const iterations = Number(process.env.ITERATIONS ?? "30");
    const inputs = deploymentInputs({ chainName: "mainnet", rpcUrl: process.env.DEAD_RPC_URL ?? "", chainId: 1, deployerKey: `0x${"11".repeat(32)}` }, "WETH9");
    const report = {
        heapUsed: [] as number[],
        rss: [] as number[],
        errors: [] as string[],
        elapsedMs: [] as number[],
        boundMs: rpcCallBoundMs(),
        resources: [] as string[],
    };
    for (let i = 0; i < iterations; i++) {
        const started = Date.now();
        await contractDeploymentProvider.create!(inputs).then(
            () => report.errors.push("unexpectedly succeeded"),
            (error: unknown) => report.errors.push(error instanceof Error ? error.message : String(error)),
        );
        report.elapsedMs.push(Date.now() - started);
        gc();
        const usage = process.memoryUsage();
        report.heapUsed.push(usage.heapUsed);
        report.rss.push(usage.rss);
    }
    // Let closed sockets finish closing before looking.
    await new Promise((resolve) => setTimeout(resolve, 200));
    report.resources = process.getActiveResourcesInfo();
    process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
