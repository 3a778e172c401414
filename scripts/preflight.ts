// Entry point of `npm run preflight`; the logic lives in ops/preflight.
import { runPreflight } from "../ops/preflight/main";

runPreflight(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
    },
);
