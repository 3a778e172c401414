// The relayer holding no attester key: three attester processes (attester/main.ts), each with one key and its own
// RPC view, a 2-of-3 lane. Deliveries with all three, with one killed (2-of-3 go on), with two killed (the lane
// pauses with a log line and resumes when one comes back); what an attester refuses and what the router refuses.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { AbiCoder, Contract, Wallet, parseEther } from "ethers";
import { attesterProcess, type AttesterProcess } from "../../devkit/attester-process";
import { messageToJson } from "../../attester/protocol";
import { decodeRouterError, decodeSent, messageDigest } from "../../relayer/router";
import { revertDataOf } from "../../relayer/retry";
import { startRelayer, type Relayer } from "../../relayer/index";
import { startRelayerWorld, type RelayerSide, type RelayerWorld } from "../support/relayer-fixture";

let world: RelayerWorld;
let attesters: AttesterProcess[];
let relayer: Relayer;
const lines: string[] = [];

async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
        assert.ok(Date.now() < deadline, `${what} within ${timeoutMs} ms; relayer log:\n${lines.slice(-20).join("\n")}`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

before(async () => {
    world = await startRelayerWorld();
    const chains = [world.mainnet, world.chain138].map((s) => ({
        name: s.name,
        rpcUrl: s.node.rpcUrl,
        routerAddress: String(s.router.target),
        chainSelector: s.selector,
    }));
    attesters = await Promise.all(world.attesters.map((w, i) => attesterProcess({ key: w.privateKey, chains, dir: path.join(world.dir, `attester-${i}`) })));
    await Promise.all(attesters.map((a) => a.start()));
    const options = world.options(path.join(world.dir, "state.json"), {
        attesters: attesters.map((a) => ({ url: a.url, address: a.address, token: a.token })),
        log: (l) => lines.push(l),
        httpPort: 0,
    });
    delete options.attesterKeys; // the relayer holds no attester key
    relayer = await startRelayer(options);
});
after(async () => {
    await relayer?.stop();
    for (const a of attesters ?? []) await a.kill("SIGKILL");
    await world?.stop();
});

/** The message `id` as the relayer would ask for it: decoded from the source router's event. */
async function sentMessage(side: RelayerSide, id: string): Promise<ReturnType<typeof decodeSent>> {
    const [log] = await side.router.queryFilter(side.router.filters.CCIPMessageSent(null, null, id), 0);
    assert.ok(log !== undefined, `no CCIPMessageSent for ${id}`);
    return decodeSent(log, side.selector);
}

async function askToSign(a: AttesterProcess, body: unknown, token = a.token): Promise<{ status: number; json: { reason?: string; error?: string } }> {
    const res = await fetch(`${a.url}/v1/sign`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, json: (await res.json()) as { reason?: string; error?: string } };
}

describe("relayer with three attester processes", () => {
    it("delivers with all three attesters up, asking them rather than holding keys", async () => {
        const bob = world.chain138.node.accounts[2].address;
        const id = await world.bridge(world.mainnet, 1, bob, parseEther("1"));
        await relayer.waitForDelivery(id, 30_000);
        assert.equal(await world.chain138.weth.balanceOf(bob), parseEther("1"));
        // Each attester signed from its own view (every one was asked: the relayer asks all at once).
        await waitFor("every attester to have signed #1", () => attesters.every((a) => a.output().includes(`signed mainnet->chain138 #1 ${id}`)), 5_000);
        // Probes and metrics without a token; the signing API only with one.
        assert.equal((await fetch(`${attesters[0].url}/healthz`)).status, 200);
        assert.match(await (await fetch(`${attesters[0].url}/metrics`)).text(), /attester_signatures_total\{lane="mainnet->chain138"\} 1/);
        assert.equal((await fetch(`${attesters[0].url}/v1/attester`)).status, 401);
        const metrics = await (await fetch(`${relayer.httpUrl}/metrics`)).text();
        assert.match(metrics, /relayer_deliveries_total\{lane="mainnet->chain138",outcome="delivered"\} 1/);
        assert.equal((await fetch(`${relayer.httpUrl}/healthz`)).status, 200);
    });

    it("goes on at 2-of-3 with one attester killed", async () => {
        assert.equal(await attesters[0].kill("SIGKILL"), null);
        const id = await world.bridge(world.mainnet, 1, world.chain138.node.accounts[3].address, parseEther("0.5"));
        await relayer.waitForDelivery(id, 30_000);
    });

    it("pauses the lane with two attesters down and resumes when one returns", async () => {
        // SIGTERM: the attester shuts down cleanly (exit 0).
        assert.equal(await attesters[1].kill("SIGTERM"), 0);
        assert.match(attesters[1].output(), /SIGTERM: stopping\n.*stopped\n/);
        const id = await world.bridge(world.mainnet, 1, world.chain138.node.accounts[4].address, parseEther("0.25"));
        await waitFor(
            "a pause line naming the shortfall",
            () => lines.some((l) => /lane mainnet->chain138: paused \d+ ms, waiting for attesters: .*1 of 2 signatures/.test(l)),
            20_000,
        );
        assert.equal(await world.chain138.router.getLastDeliveredSequence(world.mainnet.selector), 2n, "delivered below the threshold");
        await attesters[0].start(); // same key, port and state file
        await relayer.waitForDelivery(id, 60_000);
        assert.ok(lines.includes("lane mainnet->chain138: resumed"), lines.join("\n"));
        await attesters[1].start();
    });

    it("an attester refuses a forged message, an unknown one and a stranger; the router refuses forged signatures", async () => {
        const id = await world.bridge(world.mainnet, 1, world.chain138.node.accounts[5].address, parseEther("0.1"));
        await relayer.waitForDelivery(id, 30_000);
        const real = await sentMessage(world.mainnet, id);
        const body = { destChainSelector: String(real.destChainSelector), blockNumber: real.blockNumber, message: messageToJson(real.message) };
        const a = attesters[2];
        // The real message is signed (again: the same content under the same sequence number).
        assert.equal((await askToSign(a, body)).status, 200);
        // Forged content: the bridge's payload names another recipient and amount.
        const forgedData = AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [Wallet.createRandom().address, parseEther("1000")]);
        const forged = await askToSign(a, { ...body, message: { ...body.message, data: forgedData } });
        assert.equal(forged.status, 409);
        assert.equal(forged.json.reason, "mismatch");
        assert.match(forged.json.error ?? "", /differs from the message on mainnet in data/);
        // A message id never sent.
        const unknown = await askToSign(a, { ...body, message: { ...body.message, messageId: `0x${"cd".repeat(32)}` } });
        assert.equal(unknown.status, 404);
        assert.equal(unknown.json.reason, "not-found");
        // No token, wrong token.
        assert.equal((await askToSign(a, body, "not-the-token-not-the-token-not-the-token")).status, 401);

        // The router: a forged message with signatures from keys that are not attesters, or the real attesters'
        // signatures over another message, is refused (UnknownAttester: the signature recovers to a non-attester).
        const dest = world.chain138;
        const domain = { chainId: 138n, router: String(dest.router.target), chainSelector: dest.selector };
        const forgedMessage = { ...real.message, sequenceNumber: real.message.sequenceNumber + 1n, data: forgedData };
        const strangers = [Wallet.createRandom(), Wallet.createRandom()].sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
        const digest = messageDigest(forgedMessage, domain);
        const realDigest = messageDigest(real.message, domain);
        const lane = world.attesters.slice().sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
        for (const signatures of [
            strangers.map((w) => w.signingKey.sign(digest).serialized),
            lane.slice(0, 2).map((w) => w.signingKey.sign(realDigest).serialized),
        ]) {
            const router = dest.router.connect(dest.deployer) as Contract;
            const error = await router.deliver.staticCall(forgedMessage, signatures).then(
                () => undefined,
                (e: unknown) => e,
            );
            assert.equal(decodeRouterError(revertDataOf(error))?.name, "UnknownAttester");
        }
    });
});
