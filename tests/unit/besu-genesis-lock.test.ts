// The genesis is frozen at launch. Besu refuses to start when the genesis it is given differs from its stored chain
// ("Supplied genesis block does not match chain data stored", DefaultBlockchain), and QBFT changes validators by
// votes, not by a new genesis (besu-docs QBFT "Add and remove validators": qbft_proposeValidatorVote).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Wallet } from "ethers";
import { buildQbftGenesis, renderGenesisJson } from "../../components/besu/genesis";
import { genesisLockProvider, lockGenesis, type GenesisLockInputs, type GenesisLockOutputs } from "../../components/besu/genesis-lock";
import { multicall3RuntimeCode } from "../support/besu-fixtures";

const DEPLOYER = Wallet.createRandom().address;
const address = (i: number) => `0x${(i + 1).toString(16).padStart(40, "0")}`;
const genesis = (validators: number, overrides: Partial<Parameters<typeof buildQbftGenesis>[0]> = {}) =>
    renderGenesisJson(
        buildQbftGenesis({
            chainId: 138,
            validators: Array.from({ length: validators }, (_, i) => address(i)),
            deployerAddress: DEPLOYER,
            multicall3RuntimeCode: multicall3RuntimeCode(),
            ...overrides,
        }),
    );

/** One engine run of the provider: check against the old inputs, then create or update. */
async function run(previous: GenesisLockOutputs | undefined, computed: string): Promise<{ outs: GenesisLockOutputs } | { failure: string }> {
    const news = { computedGenesisJson: computed } as GenesisLockInputs;
    const checked = await genesisLockProvider.check!((previous ?? {}) as GenesisLockInputs, news);
    if (checked.failures?.length) return { failure: checked.failures.map((f) => f.reason).join("; ") };
    const outs =
        previous === undefined
            ? (await genesisLockProvider.create(checked.inputs!)).outs!
            : (await genesisLockProvider.update!("chain138-genesis", previous, checked.inputs!)).outs!;
    return { outs: outs as GenesisLockOutputs };
}

describe("GenesisLock", () => {
    it("locks the first genesis and keeps it while nothing changes", async () => {
        const launched = genesis(46);
        const first = await run(undefined, launched);
        assert.ok("outs" in first);
        assert.equal(first.outs.lockedGenesisJson, launched);
        assert.deepEqual(first.outs.validatorChanges, { add: [], remove: [] });
        const again = await run(first.outs, launched);
        assert.ok("outs" in again && again.outs.lockedGenesisJson === launched);
    });

    it("adding a region after launch: new validators become votes, the genesis every node gets stays the launched one", async () => {
        const launched = genesis(46);
        const first = (await run(undefined, launched)) as { outs: GenesisLockOutputs };
        const withRegion = genesis(48);
        assert.notEqual(withRegion, launched, "the computed genesis does change");
        const after = await run(first.outs, withRegion);
        assert.ok("outs" in after, "failure" in after ? after.failure : "");
        assert.equal(after.outs.lockedGenesisJson, launched);
        assert.deepEqual(after.outs.validatorChanges, { add: [address(46), address(47)], remove: [] });
        // Removing a region is the same, the other way round.
        const fewer = await run(first.outs, genesis(44));
        assert.ok("outs" in fewer);
        assert.deepEqual(fewer.outs.validatorChanges, { add: [], remove: [address(44), address(45)] });
    });

    it("refuses any other change, naming what changed (never a value)", () => {
        const launched = genesis(46);
        const check = (computed: string) => {
            const verdict = lockGenesis(launched, computed);
            assert.ok("failure" in verdict, "accepted a changed genesis");
            return verdict.failure;
        };
        // A solc bump or an edit to Multicall3 changes the code the genesis puts at its address.
        const code = multicall3RuntimeCode();
        const edited = check(genesis(46, { multicall3RuntimeCode: code.replace(/..$/, code.endsWith("00") ? "01" : "00") }));
        assert.match(edited, /Supplied genesis block does not match chain data stored/);
        assert.match(edited, /alloc: code of (0x)?ca11bde05977b3631167028862be2a173976ca11 differs/i);
        // A new deployer key funds another account.
        const deployer = Wallet.createRandom().address;
        const redeployed = check(genesis(46, { deployerAddress: deployer }));
        assert.match(redeployed, new RegExp(`alloc: account ${deployer.slice(2)} would be added`, "i"));
        // Consensus settings.
        assert.match(check(genesis(46, { qbft: { blockPeriodSeconds: 5 } })), /config\.qbft differs/);
        assert.match(check(genesis(46, { gasLimit: 60_000_000n })), /gasLimit differs/);
    });

    it("lets a preview through while the computed genesis is unknown (new validators' keys not generated yet)", async () => {
        const launched = genesis(46);
        const first = (await run(undefined, launched)) as { outs: GenesisLockOutputs };
        // What the engine hands a dynamic provider for an unknown input during preview.
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const checked = await genesisLockProvider.check!(first.outs, { computedGenesisJson: unknown });
        assert.deepEqual(checked.failures ?? [], []);
        assert.equal(checked.inputs!.lockedGenesisJson, launched);
    });
});
