// A queued RPC call does not wait for ever: rpcCall holds at most RPC_DEFAULTS.concurrency calls per chain in flight
// (p-limit), and p-limit's queue has no bound of its own, so a call that gets no slot within its wait fails with an
// error naming the chain, the operation and the redacted endpoint; a call given up never runs later; a call whose
// slot comes within the wait runs normally. No network: the operations here never touch the provider.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RPC_DEFAULTS, rpcCall, rpcCallBoundMs, rpcSlotWaitMs } from "../../contracts/providers/rpc";

// A credentialed URL: the error must not carry its key. Nothing listens there; no call below reaches it.
const target = { name: "slot-test", rpcUrl: "http://127.0.0.1:9/v2/secret-api-key", chainId: 31337 };

test("a call that gets no slot within its wait fails naming chain, operation and redacted endpoint; given up, it never runs", async () => {
    const releases: (() => void)[] = [];
    const holders = Array.from({ length: RPC_DEFAULTS.concurrency }, (_, i) =>
        rpcCall(target, `holder-${i}`, () => new Promise<number>((resolve) => releases.push(() => resolve(i)))),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(releases.length, RPC_DEFAULTS.concurrency, "every slot is held");

    let lateRuns = 0;
    const started = Date.now();
    await assert.rejects(
        rpcCall(target, "eth_blockNumber", async () => ++lateRuns, { slotWaitMs: 300 }),
        (e: Error) => {
            assert.match(
                e.message,
                new RegExp(
                    `^chain slot-test \\(http://127\\.0\\.0\\.1:9/…\\): eth_blockNumber failed: waited 300 ms for one of ${RPC_DEFAULTS.concurrency} RPC slots \\(${RPC_DEFAULTS.concurrency} busy, 1 queued\\)$`,
                ),
            );
            assert.doesNotMatch(e.message, /secret-api-key/);
            return true;
        },
    );
    const waited = Date.now() - started;
    assert.ok(waited >= 290 && waited < 5_000, `gave up after ${waited} ms`);

    // A call queued with a longer wait gets the first slot that frees, and runs; the abandoned one does not.
    const queued = rpcCall(target, "eth_chainId", async () => "ran", { slotWaitMs: 10_000 });
    releases.shift()!();
    assert.equal(await queued, "ran");
    for (const release of releases) release();
    assert.deepEqual(await Promise.all(holders), [...Array(RPC_DEFAULTS.concurrency).keys()]);
    assert.equal(lateRuns, 0, "a call given up ran when a slot came");
});

test("the default wait outlasts a queue of calls that each use their whole bound", () => {
    assert.ok(rpcSlotWaitMs() >= 2 * rpcCallBoundMs());
});
