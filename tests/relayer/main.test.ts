// relayer/main.ts: the config file (keys from the environment, never from the file) and the CLI
// process delivering a bridge transfer and stopping cleanly on SIGTERM.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseEther } from "ethers";
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
        const opts = parseConfig(readFileSync(file, "utf8"), file, { ...env, MAINNET_RPC_URL: "https://eth.example" });
        assert.deepEqual(
            opts.chains.map((c) => [c.name, c.chainSelector]),
            [
                ["mainnet", 5009297550715157269n],
                ["chain138", 138n],
            ],
        );
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

describe("relayer CLI", () => {
    let world: RelayerWorld;
    before(async () => {
        world = await startRelayerWorld();
    });
    after(async () => world?.stop());

    it("delivers a transfer, logs it with a timestamp and stops on SIGTERM", async () => {
        const configFile = path.join(world.dir, "relayer.json");
        const opts = world.options(path.join(world.dir, "state.json"));
        writeFileSync(
            configFile,
            JSON.stringify({
                stateFile: opts.stateFile,
                pollIntervalMs: 100,
                chains: opts.chains.map((c) => ({ ...c, chainSelector: String(c.chainSelector) })),
            }),
        );
        // RELAYER_MAIN=<dist>/relayer/main.js runs the tsc build the container image ships instead.
        const entry = process.env.RELAYER_MAIN === undefined ? ["--import", "tsx", "relayer/main.ts"] : [process.env.RELAYER_MAIN];
        const child = spawn(process.execPath, [...entry, "--config", configFile], {
            cwd: path.resolve(__dirname, "..", ".."),
            env: { ...process.env, RELAYER_KEY: world.relayerKey, ATTESTER_KEYS: world.attesters.map((a) => a.privateKey).join(",") },
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
        for (const key of [world.relayerKey, ...world.attesters.map((a) => a.privateKey)]) assert.ok(!(out + err).includes(key.slice(2)));
    });
});
