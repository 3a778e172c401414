/**
 * `npm run fleet -- start|stop|status <region…|all> -s <stack> [--force] [--json]`: scales the Besu
 * StatefulSets of the named regions through each region's Kubernetes API and prints per-region status.
 * See README "Start, stop and inspect the fleet" and ops/fleet/.
 */
import { runFleetCli } from "../ops/fleet/cli";

runFleetCli(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        console.error(`fleet: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
    },
);
