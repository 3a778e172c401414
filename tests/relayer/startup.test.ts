// Start-up checks: misconfiguration fails fast with an error naming the lane, chain or file.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Wallet } from "ethers";
import { startAttester } from "../../attester/index";
import { startRelayer, type RelayerOptions } from "../../relayer/index";
import { mined } from "../support/assertions";
import { makeAttesters } from "../../devkit/ccip-fixture";
import { startRelayerWorld, type RelayerWorld } from "../support/relayer-fixture";

let world: RelayerWorld;
let state: string;

before(async () => {
    world = await startRelayerWorld();
    state = path.join(world.dir, "state.json");
    // chain138 -> mainnet now needs all three attesters; mainnet -> chain138 keeps 2 of 3.
    await mined(
        world.mainnet.router.setLane(
            world.chain138.selector,
            world.chain138.router.target,
            world.attesters.map((a) => a.address),
            3,
        ),
    );
});
after(async () => world?.stop());

describe("relayer start-up errors", () => {
    it("names the lane whose threshold the attester keys cannot reach", async () => {
        const keys = world.attesters.slice(0, 2).map((a) => a.privateKey);
        await assert.rejects(
            startRelayer(world.options(state, { attesterKeys: keys })),
            /^Error: lane chain138->mainnet: threshold 3 needs 3 of the lane's attesters \[.*\], but only 2 of the 2 configured attesters are among them$/,
        );
    });

    it("refuses a deliveryTimeoutMs or receiptTimeoutMs that no timer can take, naming it, before connecting", async () => {
        // Node timers keep at most 2^31-1 ms; 2^31 fires after 1 ms (Node docs, "setTimeout"), 2^32 throws.
        for (const key of ["deliveryTimeoutMs", "receiptTimeoutMs"] as const) {
            for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 31, 2 ** 32]) {
                await assert.rejects(
                    startRelayer(world.options(state, { [key]: bad, rpcUrls: { mainnet: "http://127.0.0.1:1" } })),
                    new RegExp(`^Error: ${key} must be a whole number of milliseconds between 1 and 2147483647, got ${bad}$`),
                );
            }
        }
    });

    it("refuses a maxLaneBackoffMs that is no pause, naming it, before connecting", async () => {
        for (const bad of [0, -5, 2.5, Number.NaN]) {
            await assert.rejects(
                startRelayer(world.options(state, { maxLaneBackoffMs: bad, rpcUrls: { mainnet: "http://127.0.0.1:1" } })),
                new RegExp(`^Error: maxLaneBackoffMs must be a whole number of milliseconds above 0, got ${bad}$`),
            );
        }
    });

    it("does not count keys that are not lane attesters", async () => {
        const strangers = makeAttesters(3).map((a) => a.privateKey);
        await assert.rejects(
            startRelayer(world.options(state, { attesterKeys: strangers })),
            /lane mainnet->chain138: threshold 2 needs 2 of .*only 0 of the 3 configured attesters/,
        );
    });

    it("refuses an attester endpoint that signs as another address, or refuses the relayer's token", async () => {
        const chains = [world.mainnet, world.chain138].map((s) => ({
            name: s.name,
            rpcUrl: s.node.rpcUrl,
            routerAddress: String(s.router.target),
            chainSelector: s.selector,
        }));
        const token = "t".repeat(32);
        const attester = await startAttester({
            chains,
            attesterKey: world.attesters[0].privateKey,
            authToken: token,
            stateFile: path.join(world.dir, "attester.json"),
            log: () => undefined,
        });
        try {
            const remote = (address: string, t: string): RelayerOptions => {
                const opts = world.options(state, { attesters: [{ url: attester.url, address, token: t }] });
                delete opts.attesterKeys;
                return opts;
            };
            await assert.rejects(
                startRelayer(remote(world.attesters[1].address, token)),
                new RegExp(`attester endpoint ${attester.url} signs as ${world.attesters[0].address}, but the config says ${world.attesters[1].address}`),
            );
            await assert.rejects(startRelayer(remote(world.attesters[0].address, "x".repeat(32))), /refused the relayer's token \(HTTP 401\)/);
            // Neither error leaks the token.
            await assert.rejects(startRelayer(remote(world.attesters[0].address, "x".repeat(32))), (e: Error) => !e.message.includes("x".repeat(32)));
        } finally {
            await attester.stop();
        }
    });

    it("names the chain whose router has another selector", async () => {
        const opts = world.options(state);
        opts.chains[1].chainSelector = 999n;
        await assert.rejects(startRelayer(opts), new RegExp(`chain chain138: router ${world.chain138.router.target} has chain selector 138, config says 999`));
    });

    it("names the chain with no router at the configured address", async () => {
        const opts = world.options(state);
        opts.chains[0].routerAddress = world.mainnet.node.accounts[5].address;
        await assert.rejects(startRelayer(opts), /chain mainnet: no contract at routerAddress 0x[0-9a-fA-F]{40} \(chain id 1\)/);
    });

    it("names an unreachable RPC", async () => {
        const opts = world.options(state, { retries: 1 });
        opts.chains[0].rpcUrl = "http://127.0.0.1:1";
        await assert.rejects(startRelayer(opts), /chain mainnet: RPC http:\/\/127\.0\.0\.1:1 does not answer eth_chainId/);
    });

    it("rejects a malformed key without echoing it", async () => {
        const secret = "0xnot-a-key-but-still-a-secret";
        await assert.rejects(startRelayer(world.options(state, { relayerKey: secret })), (err: Error) => {
            assert.match(err.message, /^relayerKey is not a valid private key$/);
            assert.ok(!err.message.includes(secret));
            return true;
        });
        await assert.rejects(
            startRelayer(world.options(state, { attesterKeys: [Wallet.createRandom().privateKey, "0x12"] })),
            /^Error: attesterKeys\[1\] is not a valid private key$/,
        );
    });

    it("names a corrupt state file", async () => {
        const bad = path.join(world.dir, "corrupt.json");
        writeFileSync(bad, "{ not json");
        await assert.rejects(startRelayer(world.options(bad)), new RegExp(`relayer state file ${bad} is not valid JSON`));
    });
});

describe("relayer start-up warnings", () => {
    it("warns when the relayer key has no funds on a chain", async () => {
        const lines: string[] = [];
        const broke = Wallet.createRandom();
        const relayer = await startRelayer(
            world.options(path.join(world.dir, "broke.json"), {
                relayerKey: broke.privateKey,
                attesterKeys: world.attesters.map((a) => a.privateKey),
                log: (l) => lines.push(l),
            }),
        );
        await relayer.stop();
        for (const chain of ["mainnet", "chain138"]) {
            assert.ok(lines.includes(`warning: relayer ${broke.address} has no funds on ${chain}; deliveries there will fail`), lines.join("\n"));
        }
    });
});
