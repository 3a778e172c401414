// Bad `chains` / `ccip` config stops the program before any resource, naming each culprit and never
// printing an RPC URL (they carry API keys).
import assert from "node:assert/strict";
import { it } from "node:test";
import { runFailingProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

const mainnet = { rpcUrl: "http://127.0.0.1:18545", chainId: 1, chainSelector: "5009297550715157269" };
const chain138 = { rpcUrl: "http://127.0.0.1:18138", chainId: 138, chainSelector: "138" };
const ccip = {
    attesters: ["0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"],
    threshold: 2,
    fee: { baseFee: "1", feePerByte: "1", feePerGas: "1" },
};

it("refuses an RPC URL with an API key stored in plain text, naming the chain but not the URL", async () => {
    const url = "https://eth.example.com/v2/SECRETAPIKEY";
    const { error, resources } = await runFailingProgram({
        stack: "dev",
        overrides: { chains: { mainnet: { ...mainnet, rpcUrl: url }, chain138 } },
        secrets: { deployerKey: TEST_DEPLOYER_KEY },
    });
    assert.match(error.message, /chain138:chains: the RPC URL of mainnet carries credentials/);
    assert.ok(!error.message.includes("SECRETAPIKEY"));
    assert.deepEqual(resources, []);
});

it("reports every chains/ccip problem at once", async () => {
    const chains = {
        mainnet: { ...mainnet, rpcUrl: "ftp://nope" },
        chain138: { ...chain138, chainId: 1 },
        other: { ...chain138, chainId: 7, chainSelector: "138", confirmations: 0 },
    };
    const { error, resources } = await runFailingProgram({
        stack: "dev",
        overrides: { chains, ccip: { ...ccip, threshold: 3 } },
        secrets: { deployerKey: TEST_DEPLOYER_KEY },
    });
    assert.match(error.message, /chain138:chains\.mainnet\.rpcUrl: must be an http\(s\) or ws\(s\) URL \(value not shown\)/);
    assert.match(error.message, /chain138:chains\.other\.confirmations/);
    assert.ok(!error.message.includes("ftp://nope"));
    assert.deepEqual(resources, []);
});
