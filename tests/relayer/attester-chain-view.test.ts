// Attesters read the chain for themselves: an attester whose RPC shows a chain without the message refuses it; a reorg
// below the confirmation depth never gets a message delivered that is no longer on the source chain (the relayer
// drops it and rescans, the attesters never signed it); an attester never signs two messages under one sequence
// number, across a restart too; and a delivery stuck in the mempool is replaced with higher fees.
import assert from "node:assert/strict";
import path from "node:path";
import { afterEach, describe, it } from "node:test";
import { Transaction, parseEther } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { attesterProcess, type AttesterProcess, type AttesterProcessChain } from "../../devkit/attester-process";
import { messageToJson } from "../../attester/protocol";
import { decodeSent } from "../../relayer/router";
import { startRelayer, type Relayer, type RelayerOptions } from "../../relayer/index";
import { startRelayerWorld, type RelayerSide, type RelayerWorld } from "../support/relayer-fixture";

let world: RelayerWorld | undefined;
let relayer: Relayer | undefined;
let processes: AttesterProcess[] = [];
let fork: AnvilNode | undefined;

afterEach(async () => {
    await relayer?.stop();
    relayer = undefined;
    for (const p of processes) await p.kill("SIGKILL");
    processes = [];
    await fork?.stop();
    fork = undefined;
    await world?.stop();
    world = undefined;
});

function chainsOf(w: RelayerWorld, rpc: Partial<Record<RelayerSide["name"], string>> = {}, confirmations = 0): AttesterProcessChain[] {
    return [w.mainnet, w.chain138].map((s) => ({
        name: s.name,
        rpcUrl: rpc[s.name] ?? s.node.rpcUrl,
        routerAddress: String(s.router.target),
        chainSelector: s.selector,
        confirmations: s.name === "mainnet" ? confirmations : 0,
    }));
}

async function attesters(w: RelayerWorld, indexes: number[], chains: AttesterProcessChain[]): Promise<AttesterProcess[]> {
    const started = await Promise.all(indexes.map((i) => attesterProcess({ key: w.attesters[i].privateKey, chains, dir: path.join(w.dir, `attester-${i}`) })));
    processes.push(...started);
    await Promise.all(started.map((a) => a.start()));
    return started;
}

/** Relayer options that hold no attester key and ask `remote`. */
function remoteOptions(w: RelayerWorld, remote: AttesterProcess[], lines: string[], extra: Partial<RelayerOptions> = {}): RelayerOptions {
    const options = w.options(path.join(w.dir, "state.json"), {
        attesters: remote.map((a) => ({ url: a.url, address: a.address, token: a.token })),
        log: (l) => lines.push(l),
        ...extra,
    });
    delete options.attesterKeys;
    return options;
}

async function signRequest(side: RelayerSide, id: string): Promise<unknown> {
    const [log] = await side.router.queryFilter(side.router.filters.CCIPMessageSent(null, null, id), 0);
    const sent = decodeSent(log, side.selector);
    return { destChainSelector: String(sent.destChainSelector), blockNumber: sent.blockNumber, message: messageToJson(sent.message) };
}

async function ask(a: AttesterProcess, body: unknown): Promise<{ status: number; json: { reason?: string; error?: string } }> {
    const res = await fetch(`${a.url}/v1/sign`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, json: (await res.json()) as { reason?: string; error?: string } };
}

async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number, lines: string[]): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
        assert.ok(Date.now() < deadline, `${what} within ${timeoutMs} ms; log:\n${lines.slice(-15).join("\n")}`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

describe("attesters read the chain for themselves", () => {
    it("an attester whose RPC shows a chain without the message refuses to sign it, and the lane waits", async () => {
        const w = (world = await startRelayerWorld());
        const before = await w.mainnet.provider.getBlockNumber();
        const id = await w.bridge(w.mainnet, 1, w.chain138.node.accounts[2].address, parseEther("1"));
        // Its own node: a fork of mainnet from before the message, then blocks of its own past the message's height.
        fork = await startAnvil({ chainId: 1, extraArgs: ["--fork-url", w.mainnet.node.rpcUrl, "--fork-block-number", String(before)] });
        await fork.provider().send("anvil_mine", ["0x5"]);
        const [honest] = await attesters(w, [0], chainsOf(w));
        const [misled] = await attesters(w, [1], chainsOf(w, { mainnet: fork.rpcUrl }));
        const body = await signRequest(w.mainnet, id);
        assert.equal((await ask(honest, body)).status, 200);
        const refused = await ask(misled, body);
        assert.equal(refused.status, 404);
        assert.equal(refused.json.reason, "not-found");
        assert.match(refused.json.error ?? "", new RegExp(`no CCIPMessageSent of router 0x[0-9a-fA-F]{40} in block ${before + 1} of mainnet`));

        // A relayer with only these two (threshold 2): the misled one never signs, so the lane waits.
        const lines: string[] = [];
        relayer = await startRelayer(remoteOptions(w, [honest, misled], lines));
        await waitFor("a pause naming the refusal", () => lines.some((l) => /paused .*refused \(not-found\)/.test(l)), 20_000, lines);
        assert.equal(await w.chain138.router.getLastDeliveredSequence(w.mainnet.selector), 0n);
    });

    it("a reorg below the confirmation depth never yields a delivery of a message no longer on the source chain", async () => {
        const w = (world = await startRelayerWorld());
        // Attesters wait 3 confirmations on mainnet; the relayer none (it scans at once and must follow the reorg).
        const remote = await attesters(w, [0, 1], chainsOf(w, {}, 3));
        const lines: string[] = [];
        relayer = await startRelayer(remoteOptions(w, remote, lines));
        const snapshot = (await w.mainnet.provider.send("evm_snapshot", [])) as string;
        const bob = w.chain138.node.accounts[2].address;
        const carol = w.chain138.node.accounts[3].address;
        const orphan = await w.bridge(w.mainnet, 1, bob, parseEther("1"));
        await waitFor("attesters asked for the orphan too early", () => remote.every((a) => a.output().includes("not 3 blocks deep")), 20_000, lines);
        assert.equal(await w.mainnet.provider.send("evm_revert", [snapshot]), true);
        // The same sequence number now carries another message.
        const kept = await w.bridge(w.mainnet, 1, carol, parseEther("2"));
        await w.mainnet.provider.send("anvil_mine", ["0x3"]);
        await relayer.waitForDelivery(kept, 60_000);
        assert.ok(
            lines.some((l) => l.includes(orphan) && l.includes("a reorg; dropping it and rescanning")),
            lines.join("\n"),
        );
        const executed = await w.executed(w.chain138);
        assert.deepEqual(
            executed.map((e) => e.messageId),
            [kept],
        );
        assert.equal(await w.chain138.weth.balanceOf(bob), 0n);
        assert.equal(await w.chain138.weth.balanceOf(carol), parseEther("2"));
        for (const a of remote) assert.ok(!a.output().includes(`signed mainnet->chain138 #1 ${orphan}`), "an attester signed the orphan");
    });

    it("never signs a second message under a sequence number it signed, across a restart", async () => {
        const w = (world = await startRelayerWorld());
        // No confirmations: this attester is exposed to the reorg, and only its ledger stands between it and a double sign.
        const [a] = await attesters(w, [2], chainsOf(w));
        const snapshot = (await w.mainnet.provider.send("evm_snapshot", [])) as string;
        const first = await w.bridge(w.mainnet, 1, w.chain138.node.accounts[2].address, parseEther("1"));
        assert.equal((await ask(a, await signRequest(w.mainnet, first))).status, 200);
        await w.mainnet.provider.send("evm_revert", [snapshot]);
        const second = await w.bridge(w.mainnet, 1, w.chain138.node.accounts[3].address, parseEther("1"));
        assert.equal(await a.kill("SIGTERM"), 0);
        await a.start();
        const refused = await ask(a, await signRequest(w.mainnet, second));
        assert.equal(refused.status, 409);
        assert.equal(refused.json.reason, "conflict");
        assert.match(refused.json.error ?? "", new RegExp(`already signed message ${first} .* at that sequence number`));
    });
});

describe("stuck deliveries", () => {
    it("replaces a delivery that is not mined with the same nonce and higher fees", async () => {
        const w = (world = await startRelayerWorld());
        const lines: string[] = [];
        relayer = await startRelayer(w.options(path.join(w.dir, "state.json"), { log: (l) => lines.push(l), feeBumpAfterMs: 300, maxFeeBumps: 2 }));
        await w.chain138.provider.send("evm_setAutomine", [false]);
        const id = await w.bridge(w.mainnet, 1, w.chain138.node.accounts[2].address, parseEther("1"));
        await waitFor("two replacements", () => lines.filter((l) => l.includes("not mined after 300 ms; replaced by")).length === 2, 20_000, lines);
        const replaced = lines
            .filter((l) => l.includes("replaced by"))
            .map((l) => /transaction (0x[0-9a-f]{64}) \(nonce (\d+)\).*replaced by (0x[0-9a-f]{64})/.exec(l));
        const [, original, nonce, firstReplacement] = replaced[0] ?? [];
        const last = replaced[1]?.[3];
        assert.ok(original !== undefined && last !== undefined && firstReplacement === replaced[1]?.[1]);
        // Each replacement raises fee cap and tip by more than the 10 % geth and Besu require of a replacement.
        for (const line of lines.filter((l) => l.includes("replaced by"))) {
            const [oldCap, oldTip, newCap, newTip] = [...line.matchAll(/maxFeePerGas (\d+), tip (\d+)/g)].flatMap((m) => [BigInt(m[1]), BigInt(m[2])]);
            assert.ok(newCap * 10n >= oldCap * 11n && newTip * 10n >= oldTip * 11n, line);
        }
        // The node keeps only the newest version at that nonce (geth/anvil replace by nonce).
        await w.chain138.provider.send("evm_mine", []);
        await w.chain138.provider.send("evm_setAutomine", [true]);
        await relayer.waitForDelivery(id, 20_000);
        const delivered = lines.find((l) => l.startsWith(`delivered mainnet->chain138 #1 ${id}`)) ?? "";
        assert.ok(delivered.endsWith(`tx ${last}`), `delivered by the last replacement: ${delivered}`);
        assert.equal(await w.chain138.provider.getTransactionReceipt(original), null);
        const [a, b] = await Promise.all([original, last].map((h) => w.chain138.provider.getTransaction(h)));
        assert.equal(a, null, "the original is gone from the node");
        assert.ok(b !== null);
        const mined = Transaction.from(b);
        assert.equal(mined.nonce, Number(nonce));
        assert.equal((await w.executed(w.chain138)).length, 1);
    });
});
