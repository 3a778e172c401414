// SuiteGovernance on one anvil chain through the real provider (no lanes: a single-chain stack): every owned
// contract ends owned by the chain's MultiSig through Ownable2Step's two steps; a second run sends nothing; a
// hand-over already started is adopted; a contract handed back is drift, repaired on update; a third-party
// owner stops the hand-over before anything is sent, naming the contract and its owner.
//
// Platform rule checked independently of the provider (OpenZeppelin Ownable2Step, access/Ownable2Step.sol):
// `transferOwnership` only records `pendingOwner`; the owner changes (event OwnershipTransferred(previous, new))
// only when the pending owner itself calls `acceptOwnership`, so the MultiSig must make that call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Wallet, id, type JsonRpcProvider } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { attach } from "../../devkit/deploy";
import { mined } from "../support/assertions";
import { CHAIN138_SELECTOR } from "../../devkit/ccip-fixture";
import { deploySuite, govern, governanceInputs, type SuiteAddresses, type SuiteChain } from "../../devkit/provider-suite";
import { suiteGovernanceProvider, type SuiteGovernanceInputs, type SuiteGovernanceOutputs } from "../../contracts/providers/suite-governance";
import { captureProviderLog } from "../../devkit/provider-inputs";

/** Every Ownable of the suite as deployed by us, named independently of the provider's list. */
const OWNABLES = ["CCIPRouter", "CCIPWETH9Bridge", "CCIPWETH10Bridge", "Aggregator", "AggregatorProxy", "OracleWithCCIP"] as const;
const OWNERSHIP_TRANSFERRED = id("OwnershipTransferred(address,address)");

let node: AnvilNode;
let provider: JsonRpcProvider;
let chain: SuiteChain;
let deployer: string;

before(async () => {
    node = await startAnvil({ chainId: 138 });
    provider = node.provider();
    deployer = node.accounts[0].address;
    chain = { chainName: "chain138", rpcUrl: node.rpcUrl, chainId: 138, deployerKey: node.accounts[0].privateKey, chainSelector: String(CHAIN138_SELECTOR) };
});
after(async () => {
    provider?.destroy();
    await node?.stop();
});

const topicOf = (address: string) => `0x${address.slice(2).toLowerCase().padStart(64, "0")}`;

/** OwnershipTransferred events of `address` into `newOwner`. */
async function transfersTo(address: string, newOwner: string): Promise<number> {
    const logs = await provider.getLogs({ address, topics: [OWNERSHIP_TRANSFERRED, null, topicOf(newOwner)], fromBlock: 0, toBlock: "latest" });
    return logs.length;
}

async function ownerOf(name: (typeof OWNABLES)[number], addresses: SuiteAddresses): Promise<string> {
    return (await attach(name, addresses[name], provider).owner()) as string;
}

/** Makes the MultiSig call `data` on `to` (the deployer is its sole owner, threshold 1). */
async function throughMultisig(addresses: SuiteAddresses, to: string, data: string): Promise<void> {
    const multisig = attach("MultiSig", addresses.MultiSig, new Wallet(chain.deployerKey, provider));
    const txId = (await multisig.transactionCount()) as bigint;
    await mined(multisig.submit(to, 0n, data));
    await mined(multisig.execute(txId));
}

describe("SuiteGovernance on a single chain", () => {
    let addresses: SuiteAddresses;
    let inputs: SuiteGovernanceInputs;
    let outs: SuiteGovernanceOutputs;

    before(async () => {
        addresses = await deploySuite(chain, deployer, "governance/single");
        inputs = governanceInputs(chain, addresses, deployer);
        outs = (await suiteGovernanceProvider.create(inputs)).outs!;
    });

    it("ends with every owned contract owned by the MultiSig, each moved exactly once, through a MultiSig acceptOwnership", async () => {
        for (const name of OWNABLES) {
            assert.equal(await ownerOf(name, addresses), addresses.MultiSig, `${name} owner`);
            assert.equal(await transfersTo(addresses[name], addresses.MultiSig), 1, `${name}: OwnershipTransferred to the MultiSig`);
        }
        // Each accept is one MultiSig transaction, executed: six Execution events, one per contract.
        const executions = await provider.getLogs({ address: addresses.MultiSig, topics: [id("Execution(uint256,address)")], fromBlock: 0 });
        assert.equal(executions.length, OWNABLES.length);
        assert.deepEqual(outs.drift, []);
        assert.equal(outs.applied.filter((a) => a.includes("transferOwnership(MultiSig)")).length, OWNABLES.length);
        assert.equal(outs.applied.filter((a) => a.includes("acceptOwnership() by the MultiSig (MultiSig execute")).length, OWNABLES.length);
    });

    it("keeps the deployer key out of its outputs", () => {
        assert.ok(!JSON.stringify(outs).toLowerCase().includes(chain.deployerKey.slice(2).toLowerCase()));
        assert.ok(!("deployerKey" in outs));
    });

    it("re-running sends no transaction, and diff and read see no drift", async () => {
        const nonce = await provider.getTransactionCount(deployer);
        const again = await suiteGovernanceProvider.create(inputs);
        assert.deepEqual(again.outs!.applied, []);
        const updated = await suiteGovernanceProvider.update!("gov", outs, inputs);
        assert.deepEqual(updated.outs!.applied, []);
        assert.equal(await provider.getTransactionCount(deployer), nonce, "a transaction was sent");
        assert.equal((await suiteGovernanceProvider.diff!("gov", outs, inputs)).changes, false);
        assert.deepEqual((await suiteGovernanceProvider.read!("gov", outs)).props!.drift, []);
    });

    it("reports a contract handed back to the deployer as drift and hands it over again on update", async () => {
        const bridge = attach("CCIPWETH10Bridge", addresses.CCIPWETH10Bridge, new Wallet(chain.deployerKey, provider));
        await throughMultisig(addresses, addresses.CCIPWETH10Bridge, bridge.interface.encodeFunctionData("transferOwnership", [deployer]));
        await mined(bridge.acceptOwnership());
        assert.equal(await ownerOf("CCIPWETH10Bridge", addresses), deployer);

        const log = captureProviderLog();
        const diff = await suiteGovernanceProvider.diff!("gov", outs, inputs).finally(() => log.restore());
        assert.equal(diff.changes, true);
        assert.deepEqual(diff.replaces, []);
        assert.ok(
            log.lines.some((l) => l.startsWith("drift:") && l.includes("CCIPWETH10Bridge owned by the deployer")),
            log.lines.join("\n"),
        );
        assert.deepEqual((await suiteGovernanceProvider.read!("gov", outs)).props!.drift, [
            "chain138: CCIPWETH10Bridge owned by the deployer, not the MultiSig (not transferred)",
        ]);
        const updated = await suiteGovernanceProvider.update!("gov", outs, inputs);
        assert.equal(updated.outs!.applied.length, 3, updated.outs!.applied.join("; "));
        assert.equal(await ownerOf("CCIPWETH10Bridge", addresses), addresses.MultiSig);
    });

    it("rejects bad input naming the property, without echoing the RPC URL", async () => {
        const result = await suiteGovernanceProvider.check!(inputs, {
            ...inputs,
            rpcUrl: "nope://x",
            owned: [...inputs.owned, { contract: "MultiSig", address: addresses.MultiSig }],
            deployerAddress: Wallet.createRandom().address,
        });
        assert.deepEqual((result.failures ?? []).map((f) => f.property).sort(), ["deployerAddress", "owned", "rpcUrl"]);
        assert.ok(!JSON.stringify(result.failures).includes(node.rpcUrl));
    });
});

describe("SuiteGovernance adopts what is already done", () => {
    it("sends only the accept for a transfer already pending, and nothing for a contract the MultiSig already owns", async () => {
        const addresses = await deploySuite(chain, deployer, "governance/partial");
        const wallet = new Wallet(chain.deployerKey, provider);
        // A crashed run: Aggregator's transfer sent, its accept not; AggregatorProxy already accepted.
        await mined(attach("Aggregator", addresses.Aggregator, wallet).transferOwnership(addresses.MultiSig));
        const proxy = attach("AggregatorProxy", addresses.AggregatorProxy, wallet);
        await mined(proxy.transferOwnership(addresses.MultiSig));
        await throughMultisig(addresses, addresses.AggregatorProxy, proxy.interface.encodeFunctionData("acceptOwnership", []));

        const outs = await govern(governanceInputs(chain, addresses, deployer));
        const touched = (name: string) => outs.applied.filter((a) => a.includes(`${name}.`));
        assert.deepEqual(
            touched("Aggregator").map((a) => a.replace(/ \(MultiSig (submit|execute) #\d+\)/, " ($1)")),
            ["chain138: Aggregator.acceptOwnership() by the MultiSig (submit)", "chain138: Aggregator.acceptOwnership() by the MultiSig (execute)"],
        );
        assert.deepEqual(touched("AggregatorProxy"), []);
        for (const name of OWNABLES) {
            assert.equal(await ownerOf(name, addresses), addresses.MultiSig, name);
            assert.equal(await transfersTo(addresses[name], addresses.MultiSig), 1, `${name} moved once`);
        }
    });
});

describe("SuiteGovernance and a third-party owner", () => {
    it("reports it as drift and fails naming the contract and its owner, sending nothing", async () => {
        const addresses = await deploySuite(chain, deployer, "governance/foreign");
        const rogue = node.wallet(5, provider);
        await mined(attach("OracleWithCCIP", addresses.OracleWithCCIP, new Wallet(chain.deployerKey, provider)).transferOwnership(rogue.address));
        await mined(attach("OracleWithCCIP", addresses.OracleWithCCIP, rogue).acceptOwnership());
        const inputs = governanceInputs(chain, addresses, deployer);

        const read = await suiteGovernanceProvider.read!("gov", { ...inputs, drift: [], applied: [] });
        assert.ok(
            read.props!.drift.some((d) => d.includes(`OracleWithCCIP at ${addresses.OracleWithCCIP} is owned by ${rogue.address}`)),
            read.props!.drift.join("\n"),
        );
        const nonce = await provider.getTransactionCount(deployer);
        await assert.rejects(suiteGovernanceProvider.create(inputs), (error: Error) => {
            assert.match(error.message, new RegExp(`OracleWithCCIP at ${addresses.OracleWithCCIP} is owned by ${rogue.address}`));
            assert.match(error.message, /nothing was sent/);
            return true;
        });
        assert.equal(await provider.getTransactionCount(deployer), nonce, "sent before failing");
        assert.equal(await ownerOf("Aggregator", addresses), deployer, "the others were left as they were");
    });
});
