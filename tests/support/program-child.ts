// Runs the real program under mocks in a process of its own (the Pulumi runtime is global state, one run
// per process) and prints the recorded registrations of the asked-for types as one JSON line:
//   node --import tsx tests/support/program-child.ts '<RunOptions JSON>' '<type,type,…>'
import { runProgram, TEST_DEPLOYER_KEY, type RunOptions } from "../../devkit/mock-program";

export const RESULT_PREFIX = "RECORDED ";

async function main(): Promise<void> {
    const options = JSON.parse(process.argv[2] ?? "{}") as RunOptions;
    const types = new Set((process.argv[3] ?? "").split(",").filter((type) => type !== ""));
    const run = await runProgram({ ...options, secrets: { deployerKey: TEST_DEPLOYER_KEY, ...options.secrets } });
    const recorded = run.resources
        .filter((resource) => types.size === 0 || types.has(resource.type))
        .map(({ type, name, inputs, dependencies, urn }) => ({ type, name, inputs, dependencies, urn }));
    process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(recorded)}\n`);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}
