// relayer/main.ts and attester/config.ts: the config files (keys and tokens from the environment, never from the file)
// and the relayer CLI process delivering a bridge transfer with three attester processes' signatures (it holds no
// attester key) and stopping cleanly on SIGTERM.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseEther } from "ethers";
import { parseAttesterConfig } from "../../attester/config";
import { attesterProcess, type AttesterProcess } from "../../devkit/attester-process";
import { parseConfig } from "../../relayer/config";
import { startRelayerWorld, type RelayerWorld } from "../support/relayer-fixture";

const ROUTER = "0x00000000000000000000000000000000000000aa";
const base = {
    stateFile: "state.json",
    chains: [
        { name: "mainnet", rpcUrl: "http://127.0.0.1:8545", routerAddress: ROUTER, chainSelector: "5009297550715157269", confirmations: 12 },
        { name: "chain138", rpcUrlEnv: "CHAIN138_RPC", routerAddress: ROUTER, chainSelector: 138 },
    ],
};
const env = { RELAYER_KEY: "0x01", ATTESTER_KEYS: " 0x02, 0x03 ,", CHAIN138_RPC: "http://127.0.0.1:9545" };

describe("relayer config", () => {
    it("reads selectors as bigints and keys and URLs from the environment", () => {
        const opts = parseConfig(JSON.stringify(base), "relayer.json", env);
        assert.deepEqual(
            opts.chains.map((c) => [c.name, c.rpcUrl, c.chainSelector, c.confirmations]),
            [
                ["mainnet", "http://127.0.0.1:8545", 5009297550715157269n, 12],
                ["chain138", "http://127.0.0.1:9545", 138n, undefined],
            ],
        );
        assert.equal(opts.relayerKey, "0x01");
        assert.deepEqual(opts.attesterKeys, ["0x02", "0x03"]);
    });

    it("rejects a selector JSON cannot hold exactly", () => {
        const text = JSON.stringify(base).replace('"5009297550715157269"', "5009297550715157269");
        assert.throws(
            () => parseConfig(text, "relayer.json", env),
            /relayer\.json: invalid relayer config:[\s\S]*above 2\^53 must be quoted[\s\S]*chains\[0\]\.chainSelector/,
        );
    });

    it("accepts the example config shipped in relayer/", () => {
        const file = path.resolve(__dirname, "..", "..", "relayer", "relayer.example.json");
        const tokens = { ATTESTER_0_TOKEN: "a".repeat(32), ATTESTER_1_TOKEN: "b".repeat(32), ATTESTER_2_TOKEN: "c".repeat(32) };
        const opts = parseConfig(readFileSync(file, "utf8"), file, { ...env, ...tokens, MAINNET_RPC_URL: "https://eth.example" });
        assert.deepEqual(
            opts.chains.map((c) => [c.name, c.chainSelector]),
            [
                ["mainnet", 5009297550715157269n],
                ["chain138", 138n],
            ],
        );
        // The example is the prod shape: three attester services, no attester key.
        assert.equal(opts.attesters?.length, 3);
        assert.equal(opts.attesterKeys, undefined);
    });

    it("refuses keys in the file and names a missing environment variable", () => {
        assert.throws(
            () => parseConfig(JSON.stringify({ ...base, relayerKey: "0x01" }), "relayer.json", env),
            /relayer\.json: keys do not belong in the config file/,
        );
        assert.throws(
            () => parseConfig(JSON.stringify({ ...base, relayerKeyEnv: "OPS_KEY" }), "relayer.json", env),
            /environment variable OPS_KEY \(relayer private key\) is not set/,
        );
        const noRpc: NodeJS.ProcessEnv = { ...env };
        delete noRpc.CHAIN138_RPC;
        assert.throws(() => parseConfig(JSON.stringify(base), "relayer.json", noRpc), /CHAIN138_RPC \(RPC URL of chain chain138\) is not set/);
    });
});

describe("relayer config with remote attesters", () => {
    const attesters = [
        { url: "http://attester-0.attesters:8547", address: `0x${"11".repeat(20)}`, tokenEnv: "ATTESTER_0_TOKEN" },
        { url: "https://attester.operator.example", address: `0x${"22".repeat(20)}`, tokenEnv: "ATTESTER_1_TOKEN" },
    ];
    const tokens = { RELAYER_KEY: "0x01", CHAIN138_RPC: "http://127.0.0.1:9545", ATTESTER_0_TOKEN: "a".repeat(32), ATTESTER_1_TOKEN: "b".repeat(32) };

    it("reads each attester's token from its own variable and no attester key", () => {
        const opts = parseConfig(JSON.stringify({ ...base, attesters }), "relayer.json", tokens);
        assert.deepEqual(
            opts.attesters?.map((a) => [a.url, a.token]),
            [
                ["http://attester-0.attesters:8547", "a".repeat(32)],
                ["https://attester.operator.example", "b".repeat(32)],
            ],
        );
        assert.equal(opts.attesterKeys, undefined, "ATTESTER_KEYS is not read when attesters are configured");
    });

    it("names a missing token variable", () => {
        const missing: NodeJS.ProcessEnv = { ...tokens };
        delete missing.ATTESTER_1_TOKEN;
        assert.throws(
            () => parseConfig(JSON.stringify({ ...base, attesters }), "relayer.json", missing),
            new RegExp(`ATTESTER_1_TOKEN \\(bearer token of attester 0x${"22".repeat(20)}\\) is not set`),
        );
    });

    it("accepts the attester's example config and refuses a key in it", () => {
        const file = path.resolve(__dirname, "..", "..", "attester", "attester.example.json");
        const vars = { ATTESTER_KEY: "0x01", ATTESTER_TOKEN: "t".repeat(32), MAINNET_RPC_URL: "https://eth.example" };
        const opts = parseAttesterConfig(readFileSync(file, "utf8"), file, vars);
        assert.deepEqual(
            opts.chains.map((c) => [c.name, c.chainSelector, c.confirmations]),
            [
                ["mainnet", 5009297550715157269n, 12],
                ["chain138", 138n, 2],
            ],
        );
        const withKey = JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), attesterKey: "0x01" });
        assert.throws(() => parseAttesterConfig(withKey, "attester.json", vars), /attester\.json: the key and token do not belong in the config file/);
    });
});

describe("relayer CLI", () => {
    let world: RelayerWorld;
    let attesters: AttesterProcess[] = [];
    before(async () => {
        world = await startRelayerWorld();
        const chains = [world.mainnet, world.chain138].map((s) => ({
            name: s.name,
            rpcUrl: s.node.rpcUrl,
            routerAddress: String(s.router.target),
            chainSelector: s.selector,
        }));
        attesters = await Promise.all(
            world.attesters.map((w, i) => attesterProcess({ key: w.privateKey, chains, dir: path.join(world.dir, `attester-${i}`) })),
        );
        await Promise.all(attesters.map((a) => a.start()));
    });
    after(async () => {
        for (const a of attesters) await a.kill("SIGTERM");
        await world?.stop();
    });

    it("delivers a transfer with signatures from attester processes, logs it with a timestamp and stops on SIGTERM", async () => {
        const configFile = path.join(world.dir, "relayer.json");
        const opts = world.options(path.join(world.dir, "state.json"));
        writeFileSync(
            configFile,
            JSON.stringify({
                stateFile: opts.stateFile,
                pollIntervalMs: 100,
                chains: opts.chains.map((c) => ({ ...c, chainSelector: String(c.chainSelector) })),
                attesters: attesters.map((a, i) => ({ url: a.url, address: a.address, tokenEnv: `ATTESTER_${i}_TOKEN` })),
            }),
        );
        // RELAYER_MAIN=<dist>/relayer/main.js runs the tsc build the container image ships instead.
        const entry = process.env.RELAYER_MAIN === undefined ? ["--import", "tsx", "relayer/main.ts"] : [process.env.RELAYER_MAIN];
        const child = spawn(process.execPath, [...entry, "--config", configFile], {
            cwd: path.resolve(__dirname, "..", ".."),
            // No attester key in the relayer's environment: only the tokens of the attesters it asks.
            env: { ...process.env, RELAYER_KEY: world.relayerKey, ...Object.fromEntries(attesters.map((a, i) => [`ATTESTER_${i}_TOKEN`, a.token])) },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
        try {
            const id = await world.bridge(world.mainnet, 1, world.chain138.node.accounts[2].address, parseEther("1"));
            const deadline = Date.now() + 30_000;
            while (!out.includes(`delivered mainnet->chain138 #1 ${id}`)) {
                assert.ok(Date.now() < deadline, `no delivery line; stdout:\n${out}\nstderr:\n${err}`);
                await new Promise((r) => setTimeout(r, 50));
            }
            assert.match(out, /^\d{4}-\d\d-\d\dT[\d:.]+Z relayer 0x[0-9a-fA-F]{40} serving mainnet->chain138/m);
            assert.equal(await world.chain138.weth.balanceOf(world.chain138.node.accounts[2].address), parseEther("1"));
        } finally {
            child.kill("SIGTERM");
        }
        assert.equal(await exited, 0, err);
        assert.match(out, /SIGTERM: stopping\n.*stopped\n$/);
        for (const key of [world.relayerKey, ...world.attesters.map((a) => a.privateKey), ...attesters.map((a) => a.token)]) {
            assert.ok(!(out + err).includes(key.slice(2)), "a key or token was logged");
        }
    });
});
