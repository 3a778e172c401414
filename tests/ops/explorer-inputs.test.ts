// Deployment records, explorer config and key masking: what the verifier accepts and how it names bad input.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "ethers";
import { deploymentFromOutputs, explorersFromStackConfig, parseAddressesFile, parseExplorers } from "../../ops/explorer";
import { parseStackOutputs } from "../../stack/outputs";
import { fleetOutputsJson } from "../support/ops-fleet-fixture";
import { classify } from "../../ops/explorer/answers";
import { applyChainsConfig } from "../../ops/explorer/stack-chains";
import { maskUrl, redact } from "../../ops/explorer/redact";

const A = "0x00000000000000000000000000000000000000a1";
const B = "0x00000000000000000000000000000000000000b2";
const TX = `0x${"ab".repeat(32)}`;

describe("deployment records", () => {
    it("reads the stack's contracts output in suite order", () => {
        const targets = deploymentFromOutputs(parseStackOutputs({ contracts: { chain138: { MultiSig: B, WETH9: A } } }, "outputs.json"));
        assert.deepEqual(targets, [
            { chain: "chain138", contract: "WETH9", address: getAddress(A), txHash: undefined, constructorArgs: undefined },
            { chain: "chain138", contract: "MultiSig", address: getAddress(B), txHash: undefined, constructorArgs: undefined },
        ]);
    });

    it("reads an addresses file, with the creation tx and constructor args where it gives them", () => {
        const targets = parseAddressesFile({ mainnet: { WETH10: A, MultiSig: { address: B, txHash: TX, constructorArgs: [[A], 1] } } });
        assert.deepEqual(targets, [
            { chain: "mainnet", contract: "WETH10", address: getAddress(A), txHash: undefined, constructorArgs: undefined },
            { chain: "mainnet", contract: "MultiSig", address: getAddress(B), txHash: TX, constructorArgs: [[A], 1] },
        ]);
    });

    it("names every culprit", () => {
        assert.throws(
            () => parseAddressesFile({ mainnet: { WETH11: A, WETH9: "0x1234" } }),
            (e: Error) =>
                /addresses\.mainnet: Unrecognized key: "WETH11"/.test(e.message) && /addresses\.mainnet\.WETH9: expected a 20-byte address/.test(e.message),
        );
        assert.throws(() => parseAddressesFile({ mainnet: { MultiSig: { address: A, txhash: TX } } }), /addresses\.mainnet\.MultiSig/);
        assert.throws(() => parseAddressesFile({ mainnet: {} }), /lists no contracts/);
        const fleetOnly = fleetOutputsJson(["eastasia"]);
        assert.throws(() => deploymentFromOutputs(parseStackOutputs(fleetOnly, "outputs.json")), /the stack outputs have no `contracts` output/);
    });
});

describe("explorer config", () => {
    it("accepts the documented shape and rejects typos and bad URLs by path", () => {
        const ok = parseExplorers({ mainnet: { apiUrl: "https://api.etherscan.io/v2/api", apiKey: "k", chainId: 1, rpcUrl: "http://127.0.0.1:8545" } });
        assert.equal(ok.mainnet.chainId, 1);
        assert.throws(
            () => parseExplorers({ chain138: { apiUrl: "ftp://x", chainID: 138 } }),
            (e: Error) => /explorers\.chain138\.apiUrl/.test(e.message) && /explorers\.chain138\.chainId/.test(e.message) && /chainID/.test(e.message),
        );
    });

    it("reads <project>:explorers from `pulumi config --json` output", () => {
        const value = { mainnet: { apiUrl: "https://a/api", chainId: 1 } };
        assert.deepEqual(explorersFromStackConfig({ "chain138:explorers": { value: JSON.stringify(value), secret: true } }, "chain138:explorers"), value);
        assert.deepEqual(explorersFromStackConfig({ "chain138:explorers": { objectValue: value } }, "chain138:explorers"), value);
        assert.throws(() => explorersFromStackConfig({}, "chain138:explorers"), /the stack has no chain138:explorers config/);
    });
});

describe("the stack's chains config", () => {
    const targets = parseAddressesFile({ mainnet: { CCIPRouter: A, WETH9: B }, chain138: { CCIPRouter: B, Multicall3: A } });
    const explorers = parseExplorers({
        mainnet: { apiUrl: "https://api.etherscan.io/v2/api", chainId: 1 },
        chain138: { apiUrl: "https://explorer.example/api", chainId: 138, rpcUrl: "http://127.0.0.1:8545" },
    });

    it("fills RPC URLs, keeps explicit ones, and leaves out configured existing contracts", () => {
        const applied = applyChainsConfig(targets, explorers, {
            mainnet: { rpcUrl: "https://eth.example/v2/KEY", chainId: 1, chainSelector: "5009297550715157269", router: A },
            chain138: { rpcUrl: "http://10.0.0.1:8545", chainId: 138, multicall3: B },
        });
        assert.equal(applied.explorers.mainnet.rpcUrl, "https://eth.example/v2/KEY");
        assert.equal(applied.explorers.chain138.rpcUrl, "http://127.0.0.1:8545");
        assert.deepEqual(
            applied.targets.map((t) => `${t.chain}/${t.contract}`),
            ["mainnet/WETH9", "chain138/Multicall3", "chain138/CCIPRouter"],
        );
        assert.deepEqual(
            applied.skipped.map((s) => `${s.target.chain}/${s.target.contract}`),
            ["mainnet/CCIPRouter"],
        );
    });

    it("refuses an explorer for another chain id, naming both keys", () => {
        assert.throws(
            () => applyChainsConfig(targets, explorers, { mainnet: { rpcUrl: "https://x", chainId: 11155111 } }),
            /explorers\.mainnet\.chainId is 1 but chains\.mainnet\.chainId is 11155111/,
        );
    });
});

describe("answers and secrets", () => {
    it("classifies the explorer answers Etherscan and Blockscout give", () => {
        const a = (status: string, result: string) => classify({ status, message: status === "1" ? "OK" : "NOTOK", result });
        assert.equal(a("0", "Pending in queue"), "pending");
        assert.equal(a("1", "Pass - Verified"), "pass");
        assert.equal(a("0", "Fail - Unable to verify"), "failed");
        assert.equal(a("0", "Already Verified"), "already-verified");
        assert.equal(a("0", "Smart-contract already verified."), "already-verified");
        assert.equal(a("0", "Max rate limit reached, please use API Key for higher rate limit"), "rate-limited");
        assert.equal(a("0", "Unable to locate ContractCode at 0x00000000000000000000000000000000000000a1"), "not-indexed");
        assert.equal(a("1", "x7q2guid"), "ok");
    });

    it("masks API keys in URLs and messages", () => {
        assert.equal(maskUrl("https://api.etherscan.io/v2/api?chainid=1&apikey=SECRET123"), "https://api.etherscan.io/v2/api?chainid=1&apikey=***");
        assert.equal(redact("failed: https://x/?k=SECRET123 SECRET123", ["SECRET123", undefined]), "failed: https://x/?k=*** ***");
    });
});
