// Entry point of `npm run verify`; the logic lives in ops/verify.
import { runVerify } from "../ops/verify/main";

runVerify(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
    },
);
