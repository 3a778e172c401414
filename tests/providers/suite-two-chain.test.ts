// The whole suite plus CCIP wiring on two anvil chains (ids 1 and 138) through the providers, no CLI, then each
// chain's hand-over to its MultiSig; a WETH9 bridge transfer through the routers, drift repair through the
// MultiSig, and a second wiring that sends nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Interface, Wallet, parseEther } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { attach } from "../../devkit/deploy";
import { mined } from "../support/assertions";
import { makeAttesters, CHAIN138_SELECTOR, MAINNET_SELECTOR, TEST_FEES } from "../../devkit/ccip-fixture";
import { relay } from "../../devkit/ccip";
import { deploySuite, govern, governanceInputs, laneInputs, wire, type SuiteAddresses, type SuiteChain } from "../../devkit/provider-suite";
import { ccipLaneProvider, type CcipLaneInputs, type CcipLaneOutputs } from "../../contracts/providers/ccip-lane";
import { captureProviderLog } from "../../devkit/provider-inputs";

const attesters = makeAttesters(3);
let nodes: AnvilNode[] = [];
let mainnet: { chain: SuiteChain; addresses: SuiteAddresses; node: AnvilNode };
let chain138: { chain: SuiteChain; addresses: SuiteAddresses; node: AnvilNode };
let inputs: CcipLaneInputs;
let wired: CcipLaneOutputs;

before(async () => {
    nodes = await Promise.all([startAnvil({ chainId: 1 }), startAnvil({ chainId: 138 })]);
    const [n1, n138] = nodes;
    const deployer = n1.accounts[0];
    const c1: SuiteChain = { chainName: "mainnet", rpcUrl: n1.rpcUrl, chainId: 1, deployerKey: deployer.privateKey, chainSelector: String(MAINNET_SELECTOR) };
    const c138: SuiteChain = {
        chainName: "chain138",
        rpcUrl: n138.rpcUrl,
        chainId: 138,
        deployerKey: deployer.privateKey,
        chainSelector: String(CHAIN138_SELECTOR),
        bridgeLiquidityWei: parseEther("10").toString(),
        oracleFundingWei: parseEther("1").toString(),
    };
    const [a1, a138] = await Promise.all([deploySuite(c1, deployer.address), deploySuite(c138, deployer.address)]);
    mainnet = { chain: c1, addresses: a1, node: n1 };
    chain138 = { chain: c138, addresses: a138, node: n138 };
    const fee = { baseFee: String(TEST_FEES.baseFee), feePerByte: String(TEST_FEES.feePerByte), feePerGas: String(TEST_FEES.feePerGas) };
    inputs = laneInputs(mainnet, chain138, { attesters: attesters.map((a) => a.address), threshold: 2, fee, deployerAddress: deployer.address });
    wired = await wire(inputs);
    await Promise.all([govern(governanceInputs(c1, a1, deployer.address)), govern(governanceInputs(c138, a138, deployer.address))]);
});
after(async () => {
    for (const n of nodes) await n.stop();
});

describe("suite + wiring on two chains via the providers", () => {
    it("deploys every contract on both chains, wires them, and the governance hands every Ownable to the MultiSig", async () => {
        for (const side of [mainnet, chain138]) {
            const p = side.node.provider();
            for (const [name, address] of Object.entries(side.addresses)) assert.notEqual(await p.getCode(address), "0x", `${side.chain.chainName} ${name}`);
            for (const name of ["CCIPRouter", "CCIPWETH9Bridge", "CCIPWETH10Bridge", "Aggregator", "AggregatorProxy", "OracleWithCCIP"] as const) {
                assert.equal(await attach(name, side.addresses[name], p).owner(), side.addresses.MultiSig, `${side.chain.chainName} ${name} owner`);
            }
            p.destroy();
        }
        assert.equal(wired.drift.length, 0);
        assert.ok(wired.applied.some((a) => a.includes("setLane")));
        assert.ok(!wired.applied.some((a) => /Ownership/.test(a)), `the lane moved ownership: ${wired.applied.join("; ")}`);
        assert.ok(!JSON.stringify(wired).includes(mainnet.chain.deployerKey.slice(2)), "key in lane outputs");
    });

    it("bridges WETH9 from chain 1 to chain 138 through the routers (relayed with 2 of 3 attesters)", async () => {
        const p1 = mainnet.node.provider();
        const p138 = chain138.node.provider();
        const alice = mainnet.node.wallet(1, p1);
        const bob = chain138.node.wallet(2, p138);
        const amount = parseEther("1");
        const weth1 = attach("WETH9", mainnet.addresses.WETH9, alice);
        const bridge1 = attach("CCIPWETH9Bridge", mainnet.addresses.CCIPWETH9Bridge, alice);
        await mined(weth1.deposit({ value: amount }));
        await mined(weth1.approve(bridge1.target, amount));
        const fee = (await bridge1.quoteFee(CHAIN138_SELECTOR, bob.address, amount)) as bigint;
        const receipt = await mined(bridge1.bridge(CHAIN138_SELECTOR, bob.address, amount, { value: fee }));
        const relayer = chain138.node.wallet(3, p138);
        const delivered = await relay(
            attach("CCIPRouter", mainnet.addresses.CCIPRouter, p1),
            receipt,
            MAINNET_SELECTOR,
            attach("CCIPRouter", chain138.addresses.CCIPRouter, relayer),
            attesters.slice(0, 2),
            relayer,
        );
        assert.equal(delivered.length, 1);
        assert.equal(await attach("WETH9", chain138.addresses.WETH9, p138).balanceOf(bob.address), amount);
        assert.equal(await weth1.balanceOf(bridge1.target), amount, "locked on chain 1");
        p1.destroy();
        p138.destroy();
    });

    it("reports an allowlist changed by hand as drift and repairs it on update", async () => {
        const p138 = chain138.node.provider();
        const deployer = new Wallet(chain138.chain.deployerKey, p138);
        const multisig = attach("MultiSig", chain138.addresses.MultiSig, deployer);
        const rogue = Wallet.createRandom().address;
        const data = new Interface(["function setRemoteBridge(uint64,address)"]).encodeFunctionData("setRemoteBridge", [MAINNET_SELECTOR, rogue]);
        const id = (await multisig.transactionCount()) as bigint;
        await mined(multisig.submit(chain138.addresses.CCIPWETH9Bridge, 0, data));
        await mined(multisig.execute(id));
        assert.equal(await attach("CCIPWETH9Bridge", chain138.addresses.CCIPWETH9Bridge, p138).remoteBridge(MAINNET_SELECTOR), rogue);

        const log = captureProviderLog();
        const diff = await ccipLaneProvider.diff!("lane", wired, inputs).finally(() => log.restore());
        assert.equal(diff.changes, true);
        assert.ok(
            log.lines.some((l) => l.includes("drift") && l.includes("CCIPWETH9Bridge allowlist") && l.includes(rogue)),
            log.lines.join("\n"),
        );
        const read = await ccipLaneProvider.read!("lane", wired);
        // The release to bob took 1 WETH9 of the Chain 138 bridge's liquidity: ordinary use, not drift.
        assert.deepEqual(
            read.props!.drift.map((d) => d.replace(/ have .*/, "")),
            ["chain138: CCIPWETH9Bridge allowlist for mainnet:"],
        );

        const updated = await ccipLaneProvider.update!("lane", wired, inputs);
        assert.deepEqual(updated.outs!.applied, [
            `chain138: CCIPWETH9Bridge.setRemoteBridge(mainnet) (MultiSig submit #${id + 1n})`,
            `chain138: CCIPWETH9Bridge.setRemoteBridge(mainnet) (MultiSig execute #${id + 1n})`,
        ]);
        assert.equal(
            await attach("CCIPWETH9Bridge", chain138.addresses.CCIPWETH9Bridge, p138).remoteBridge(MAINNET_SELECTOR),
            mainnet.addresses.CCIPWETH9Bridge,
        );
        const clean = await ccipLaneProvider.diff!("lane", updated.outs!, inputs);
        assert.equal(clean.changes, false);
        p138.destroy();
        (deployer.provider as { destroy(): void }).destroy?.();
    });

    it("re-wiring an already wired lane sends no configuration, only the liquidity traffic used", async () => {
        const p = mainnet.node.provider();
        const before = await p.getTransactionCount(mainnet.node.accounts[0].address);
        // Creating a lane provisions its balances: bob's release took 1 WETH9 of chain 138's 10.
        const again = await wire(inputs);
        assert.deepEqual(again.applied, [`chain138: WETH9.deposit(${parseEther("1")})`, `chain138: WETH9.transfer(bridge, ${parseEther("1")})`]);
        assert.equal(await p.getTransactionCount(mainnet.node.accounts[0].address), before, "nothing at all on chain 1");
        p.destroy();
    });

    it("tops the bridge up to a raised liquidity amount on update, and only then", async () => {
        const p138 = chain138.node.provider();
        const weth138 = attach("WETH9", chain138.addresses.WETH9, p138);
        const bridge = chain138.addresses.CCIPWETH9Bridge;
        const held = (await weth138.balanceOf(bridge)) as bigint;
        assert.equal(held, parseEther("10"));
        const raised: CcipLaneInputs = {
            ...inputs,
            sides: inputs.sides.map((side) =>
                side.name === "chain138" ? { ...side, bridgeLiquidityWei: parseEther("12").toString() } : side,
            ) as CcipLaneInputs["sides"],
        };
        const olds: CcipLaneOutputs = { ...wired, sides: inputs.sides };
        const diff = await ccipLaneProvider.diff!("lane", olds, raised);
        assert.equal(diff.changes, true);
        const updated = await ccipLaneProvider.update!("lane", olds, raised);
        assert.deepEqual(updated.outs!.applied, [`chain138: WETH9.deposit(${parseEther("2")})`, `chain138: WETH9.transfer(bridge, ${parseEther("2")})`]);
        assert.equal(await weth138.balanceOf(bridge), parseEther("12"));
        const same = await ccipLaneProvider.update!("lane", updated.outs!, raised);
        assert.deepEqual(same.outs!.applied, [], "unchanged amounts send nothing");
        p138.destroy();
    });

    it("fails naming the contract and its owner when a call it needs is on a contract a third party owns", async () => {
        const p138 = chain138.node.provider();
        const deployer = new Wallet(chain138.chain.deployerKey, p138);
        const rogue = chain138.node.wallet(5, p138);
        const address = chain138.addresses.CCIPWETH10Bridge;
        const multisig = attach("MultiSig", chain138.addresses.MultiSig, deployer);
        const id = (await multisig.transactionCount()) as bigint;
        await mined(
            multisig.submit(address, 0, new Interface(["function transferOwnership(address)"]).encodeFunctionData("transferOwnership", [rogue.address])),
        );
        await mined(multisig.execute(id));
        const bridge = attach("CCIPWETH10Bridge", address, rogue);
        await mined(bridge.acceptOwnership());
        await mined(bridge.setRemoteBridge(MAINNET_SELECTOR, Wallet.createRandom().address));

        const nonce = await p138.getTransactionCount(deployer.address);
        await assert.rejects(
            ccipLaneProvider.update!("lane", wired, inputs),
            new RegExp(`chain138: CCIPWETH10Bridge at ${address} is owned by ${rogue.address}, neither the deployer .* nor the MultiSig .*setRemoteBridge`),
        );
        assert.equal(await p138.getTransactionCount(deployer.address), nonce, "sent before failing");
        p138.destroy();
    });

    it("rejects bad lane input naming the property before any chain call", async () => {
        const result = await ccipLaneProvider.check!(inputs, { ...inputs, threshold: 4, rpcUrls: { mainnet: "nope", chain138: inputs.rpcUrls["chain138"] } });
        assert.deepEqual((result.failures ?? []).map((f) => f.property).sort(), ["rpcUrls", "threshold"]);
        assert.ok(!JSON.stringify(result.failures).includes(inputs.rpcUrls["chain138"]));
    });
});
