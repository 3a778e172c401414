// The relayer's RPC endpoint disappears: connecting and waiting for a receipt fail within their documented
// bounds (docs/bounds.md, from the modules' exported constants), naming the chain, the operation and the
// redacted endpoint, never the API key in the URL's path.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, it } from "node:test";
import { JsonRpcProvider, Wallet } from "ethers";
import { freePort, startAnvil, type AnvilNode } from "../../devkit/anvil";
import { connectChain, REQUEST_TIMEOUT_MS } from "../../relayer/chain";
import { retryBoundMs, type RetryPolicy } from "../../relayer/retry";
import { TxSender } from "../../relayer/sender";
import { startFlakyRpc, type FlakyRpc } from "../support/relayer-flaky-rpc";

const SECRET = "SECRETKEY";
const policy: RetryPolicy = { retries: 3, minTimeoutMs: 20, signal: new AbortController().signal, log: () => undefined };
const timing = { pollMs: 50, receiptTimeoutMs: 2_000 };
const relayerKey = new Wallet(`0x${"22".repeat(32)}`);

let node: AnvilNode;

before(async () => {
    node = await startAnvil({ chainId: 138 });
});
after(async () => node?.stop());

/** A proxy in front of the node that closes for good at the first request for `method`. */
async function cutAt(method: string): Promise<{ proxy: FlakyRpc; cut: () => number }> {
    let cutAtMs = 0;
    let close = (): void => undefined;
    const proxy = await startFlakyRpc(node.rpcUrl, {
        fault: (_n, methods) => {
            if (!methods.includes(method) && cutAtMs === 0) return "none";
            if (cutAtMs === 0) {
                cutAtMs = Date.now();
                close();
            }
            return "drop";
        },
    });
    close = () => void proxy.close();
    return { proxy, cut: () => cutAtMs };
}

function chainConfig(rpcUrl: string) {
    return { name: "mainnet", rpcUrl, chainSelector: 1n, routerAddress: "0x000000000000000000000000000000000000dEaD" };
}

it("connecting to a dead endpoint fails within the eth_chainId retry bound, naming chain and redacted endpoint", async () => {
    const port = await freePort();
    const started = Date.now();
    await assert.rejects(connectChain(chainConfig(`http://127.0.0.1:${port}/v3/${SECRET}`), relayerKey, policy, timing), (error: Error) => {
        assert.ok(Date.now() - started < retryBoundMs(policy, REQUEST_TIMEOUT_MS));
        assert.match(error.message, new RegExp(`^chain mainnet: RPC http://127\\.0\\.0\\.1:${port}/… does not answer eth_chainId: `));
        assert.ok(!error.message.includes(SECRET), error.message);
        assert.ok(!inspect(error, { depth: 10 }).includes(SECRET), "nor anywhere in the error and its causes");
        return true;
    });
});

it("an endpoint that goes away mid-connect fails at that step, within its bound, and detects no network", async () => {
    const { proxy, cut } = await cutAt("eth_getCode");
    await assert.rejects(connectChain(chainConfig(`${proxy.url}/v3/${SECRET}`), relayerKey, policy, timing), (error: Error) => {
        assert.ok(cut() > 0, "cut at getCode");
        assert.ok(Date.now() - cut() < retryBoundMs(policy, REQUEST_TIMEOUT_MS));
        assert.match(error.message, new RegExp(`^chain mainnet: RPC ${proxy.url}/…: getCode\\(router\\) failed while connecting: `));
        assert.ok(!error.message.includes(SECRET), error.message);
        assert.ok(!inspect(error, { depth: 10 }).includes(SECRET), "nor anywhere in the error and its causes");
        return true;
    });
    // The one eth_chainId is connectChain's own check; the static network sends no other.
    assert.equal(proxy.counts.get("eth_chainId"), 1);
    assert.equal(proxy.counts.get("net_version"), undefined);
});

it("waitReceipt on an endpoint that goes away fails within receipt timeout + one request + one poll, naming chain and endpoint", async () => {
    const { proxy, cut } = await cutAt("eth_getTransactionReceipt");
    const provider = new JsonRpcProvider(`${proxy.url}/v3/${SECRET}`, 138, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    const sender = new TxSender("chain138", relayerKey.connect(provider), provider, 138n, timing.pollMs, timing.receiptTimeoutMs, policy);
    const started = Date.now();
    try {
        await assert.rejects(
            sender.waitReceipt(
                { nonce: 0, request: {}, fees: { type: 0, gasPrice: 1n }, hashes: [`0x${"ab".repeat(32)}`], lastSentAt: Date.now() },
                policy.signal,
            ),
            (error: Error) => {
                assert.ok(cut() > 0, "cut at the first receipt poll");
                assert.ok(Date.now() - started < timing.receiptTimeoutMs + REQUEST_TIMEOUT_MS + timing.pollMs);
                assert.match(error.message, new RegExp(`^chain138 \\(${proxy.url}/…\\): waiting for receipt: transaction 0x(ab){32} not mined within`));
                assert.ok(!error.message.includes(SECRET), error.message);
                assert.ok(!inspect(error, { depth: 10 }).includes(SECRET), "nor anywhere in the error and its causes");
                return true;
            },
        );
    } finally {
        provider.destroy();
    }
});
