// Entry point of `npm run targets`; the logic lives in ops/targets.
import { runTargets } from "../ops/targets/main";

runTargets(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
    },
);
