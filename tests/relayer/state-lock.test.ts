// One relayer per state file: a second one on the same file is refused while the first runs, and starts once the
// first has stopped (it released the lock).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startRelayer } from "../../relayer/index";
import { startRelayerWorld, type RelayerWorld } from "../support/relayer-fixture";

let world: RelayerWorld;
before(async () => {
    world = await startRelayerWorld({ liquidity: false });
});
after(async () => world?.stop());

describe("relayer state lock", () => {
    it("refuses a second relayer on the same state file until the first stops", async () => {
        const stateFile = path.join(world.dir, "state.json");
        const first = await startRelayer(world.options(stateFile));
        try {
            await assert.rejects(
                startRelayer(world.options(stateFile, { lockWaitMs: 0 })),
                new RegExp(`relayer state file ${stateFile} is locked by another relayer`),
            );
        } finally {
            await first.stop();
        }
        const second = await startRelayer(world.options(stateFile, { lockWaitMs: 0 }));
        await second.stop();
    });
});
