// The genesis executed by a real EVM (anvil --init, Shanghai rules, 127.0.0.1 only): the alloc format
// loads, the deployer is funded, and the CREATE2 proxy predeploy deploys PUSH0 code at the CREATE2 address.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { concat, getCreate2Address, JsonRpcProvider, keccak256, Wallet, zeroPadValue } from "ethers";
import { buildQbftGenesis, CREATE2_PROXY_ADDRESS, CREATE2_PROXY_RUNTIME_CODE, MULTICALL3_ADDRESS, renderGenesisJson } from "../../components/besu/genesis";
import { multicall3RuntimeCode } from "../support/besu-fixtures";

let child: ChildProcess | undefined;
let dir: string;
let provider: JsonRpcProvider;
const deployer = Wallet.createRandom();

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = createServer();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const a = srv.address();
            srv.close(() => (a && typeof a === "object" ? resolve(a.port) : reject(new Error("no port"))));
        });
    });
}

before(async () => {
    dir = mkdtempSync(join(tmpdir(), "besu-genesis-evm-"));
    const validators = Array.from({ length: 4 }, () => Wallet.createRandom().address);
    const genesis = renderGenesisJson(
        buildQbftGenesis({ chainId: 138, validators, deployerAddress: deployer.address, multicall3RuntimeCode: multicall3RuntimeCode() }),
    );
    writeFileSync(join(dir, "genesis.json"), genesis);
    const port = await freePort();
    const anvil = join(dirname(require.resolve("@foundry-rs/anvil-linux-amd64/package.json")), "bin", "anvil");
    child = spawn(anvil, ["--init", join(dir, "genesis.json"), "--host", "127.0.0.1", "--port", String(port), "--hardfork", "shanghai"], {
        stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    provider = new JsonRpcProvider(`http://127.0.0.1:${port}`, undefined, { staticNetwork: true, pollingInterval: 100 });
    const deadline = Date.now() + 20_000;
    for (;;) {
        try {
            await provider.getBlockNumber();
            break;
        } catch {
            if (child.exitCode !== null || Date.now() > deadline) throw new Error(`anvil did not start: ${stderr}`);
            await new Promise((r) => setTimeout(r, 200));
        }
    }
});

after(() => {
    provider?.destroy();
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
});

test("the genesis loads: chain id, funded deployer, predeploy code", async () => {
    assert.equal((await provider.send("eth_chainId", [])) as string, "0x8a");
    assert.equal(await provider.getBalance(deployer.address), 10n ** 24n);
    assert.equal(await provider.getCode(CREATE2_PROXY_ADDRESS), CREATE2_PROXY_RUNTIME_CODE);
    assert.equal(await provider.getCode(MULTICALL3_ADDRESS), multicall3RuntimeCode().toLowerCase());
    const g = await provider.getBlock(0);
    assert.equal(g?.gasLimit, 30_000_000n);
    assert.equal(g?.baseFeePerGas, 1_000_000_000n);
});

test("the CREATE2 proxy deploys Shanghai (PUSH0) code at the predicted address", async () => {
    // Runtime: PUSH1 42 PUSH0 MSTORE PUSH1 32 PUSH0 RETURN → returns uint256(42); needs Shanghai's PUSH0.
    const runtime = "0x602a5f5260205ff3";
    // Init: PUSH1 8 PUSH1 10 PUSH0 CODECOPY PUSH1 8 PUSH0 RETURN ‖ runtime.
    const init = concat(["0x6008600a5f3960085ff3", runtime]);
    const salt = zeroPadValue("0x0138", 32);
    const expected = getCreate2Address(CREATE2_PROXY_ADDRESS, salt, keccak256(init));
    const wallet = deployer.connect(provider);
    const tx = await wallet.sendTransaction({ to: CREATE2_PROXY_ADDRESS, data: concat([salt, init]) });
    const receipt = await tx.wait();
    assert.equal(receipt?.status, 1);
    assert.equal(await provider.getCode(expected), runtime);
    assert.equal(BigInt(await provider.call({ to: expected })), 42n);
});
