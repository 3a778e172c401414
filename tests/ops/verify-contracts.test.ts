// verify's contract checks against the real suite on two anvil chains: a correctly wired and handed-over
// suite passes; a missing contract, a foreign owner, a pending hand-over, a disabled lane and a wrong remote
// bridge each fail saying what differs.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Wallet } from "ethers";
import { runVerify } from "../../ops/verify/main";
import type { CheckGroup, VerifyReport } from "../../ops/verify/report";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { mined } from "../support/assertions";
import { CHAIN138_SELECTOR, MAINNET_SELECTOR } from "../../devkit/ccip-fixture";
import { addressesOf, deploySuite, handOver, wire, type SuiteSide } from "../support/ops-suite";

const OWNED = ["CCIPRouter", "CCIPWETH9Bridge", "CCIPWETH10Bridge"] as const;

describe("verify: contract suite on mainnet and Chain 138", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ops-verify-contracts-"));
    let nodes: AnvilNode[] = [];
    let mainnet: SuiteSide;
    let chain138: SuiteSide;

    async function verify(contracts: Record<string, Record<string, string>>): Promise<{ code: number; report: VerifyReport }> {
        const file = path.join(dir, "outputs.json");
        // A contracts-only stack (as dev's); the RPC URLs are config, given as flags.
        writeFileSync(file, JSON.stringify({ contracts }));
        const chainRpc = ["--chain-rpc", `mainnet=${mainnet.node.rpcUrl}`, "--chain-rpc", `chain138=${chain138.node.rpcUrl}`];
        let json = "";
        const code = await runVerify(["--outputs", file, ...chainRpc, "--json", "--timeout", "5000"], { out: (t) => (json += t), err: () => undefined });
        return { code, report: JSON.parse(json) as VerifyReport };
    }
    const check = (g: CheckGroup | undefined, name: string) => g?.checks.find((c) => c.name === name);

    before(async () => {
        nodes = await Promise.all([startAnvil({ chainId: 1 }), startAnvil({ chainId: 138 })]);
        mainnet = await deploySuite(nodes[0], MAINNET_SELECTOR);
        chain138 = await deploySuite(nodes[1], CHAIN138_SELECTOR);
        await wire(mainnet, chain138);
        await handOver(mainnet, OWNED);
        await handOver(chain138, OWNED);
    });
    after(async () => {
        await Promise.all(nodes.map((n) => n.stop()));
        rmSync(dir, { recursive: true, force: true });
    });

    it("passes a suite that is deployed, owned by the MultiSig and wired both ways", async () => {
        const { code, report } = await verify({ mainnet: addressesOf(mainnet), chain138: addressesOf(chain138) });
        assert.equal(code, 0, JSON.stringify(report.contracts, null, 1));
        assert.deepEqual(
            report.contracts.map((g) => g.name),
            ["mainnet", "chain138"],
        );
        const names = report.contracts[1].checks.map((c) => c.name);
        for (const expected of [
            "MultiSig code",
            "CCIPRouter owner",
            "CCIPWETH10Bridge owner",
            "CCIPRouter lane to mainnet",
            "CCIPWETH9Bridge router",
            "CCIPWETH9Bridge remote on mainnet",
            "CCIPWETH10Bridge remote on mainnet",
        ]) {
            assert.ok(names.includes(expected), `missing check ${expected}: ${names.join(", ")}`);
        }
        assert.match(check(report.contracts[0], "CCIPRouter lane to chain138")!.detail, /^enabled, selector 138, remote router 0x/);
    });

    it("fails each broken piece with what differs", async () => {
        const multisig138 = chain138.contracts.MultiSig;
        const through = async (side: SuiteSide, target: string, data: string) => {
            const txId = (await side.contracts.MultiSig.transactionCount()) as bigint;
            await mined(side.contracts.MultiSig.submit(target, 0n, data));
            await mined(side.contracts.MultiSig.execute(txId));
        };
        // Chain 138's WETH10 bridge goes back to the deployer, who points it at a wrong remote bridge.
        const bridge10 = chain138.contracts.CCIPWETH10Bridge;
        await through(chain138, String(bridge10.target), bridge10.interface.encodeFunctionData("transferOwnership", [chain138.deployer.address]));
        await mined(bridge10.acceptOwnership());
        const wrong = Wallet.createRandom().address;
        await mined(bridge10.setRemoteBridge(MAINNET_SELECTOR, wrong));
        // ...then starts handing it back to the MultiSig without the MultiSig accepting.
        await mined(bridge10.transferOwnership(multisig138.target));
        // Mainnet's router disables its lane to Chain 138.
        const router = mainnet.contracts.CCIPRouter;
        await through(mainnet, String(router.target), router.interface.encodeFunctionData("disableLane", [CHAIN138_SELECTOR]));
        // And the outputs list a Multicall3 that was never deployed.
        const ghost = Wallet.createRandom().address;

        const { code, report } = await verify({ mainnet: addressesOf(mainnet), chain138: { ...addressesOf(chain138), Multicall3: ghost } });
        assert.equal(code, 1);
        const [main, c138] = report.contracts;
        assert.equal(check(main, "CCIPRouter lane to chain138")!.detail, "lane to selector 138 is not enabled");
        assert.equal(check(c138, "CCIPRouter lane to mainnet")!.status, "pass");
        assert.equal(check(c138, "Multicall3 code")!.detail, `no code at ${ghost}`);
        const owner = check(c138, "CCIPWETH10Bridge owner")!;
        assert.equal(owner.status, "fail");
        assert.equal(
            owner.detail,
            `owner is ${chain138.deployer.address}, expected MultiSig ${String(multisig138.target)} (transfer to the MultiSig started, acceptOwnership not yet executed)`,
        );
        assert.equal(
            check(c138, "CCIPWETH10Bridge remote on mainnet")!.detail,
            `selector ${MAINNET_SELECTOR} → ${wrong}, expected mainnet's bridge ${String(mainnet.contracts.CCIPWETH10Bridge.target)}`,
        );
        assert.equal(check(c138, "CCIPWETH9Bridge owner")!.status, "pass");
    });

    it("fails a chain with contracts but no RPC URL, naming the flag to give", async () => {
        const file = path.join(dir, "no-rpc.json");
        writeFileSync(file, JSON.stringify({ contracts: { sepolia: { MultiSig: Wallet.createRandom().address } } }));
        let json = "";
        const code = await runVerify(["--outputs", file, "--json"], { out: (t) => (json += t), err: () => undefined });
        assert.equal(code, 1);
        assert.match((JSON.parse(json) as VerifyReport).contracts[0].checks[0].detail, /no RPC URL for chain sepolia: give --chain-rpc sepolia=<url>/);
    });
});
