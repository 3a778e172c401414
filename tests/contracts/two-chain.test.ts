// Two real chains (anvil with chain ids 1 and 138): WETH9 locked on one is released on the other,
// with test code acting as relayer and attesters.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Contract, parseEther, type JsonRpcProvider, type Wallet } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploy } from "../../devkit/deploy";
import { mined } from "../support/assertions";
import { attest, pendingMessages } from "../../devkit/ccip";
import { connectLane, deployRouter } from "../support/ccip-fixture";
import { CHAIN138_SELECTOR, MAINNET_SELECTOR, makeAttesters } from "../../devkit/ccip-fixture";

interface Side {
    node: AnvilNode;
    provider: JsonRpcProvider;
    deployer: Wallet;
    user: Wallet;
    selector: bigint;
    weth: Contract;
    router: Contract;
    bridge: Contract;
}

const attesters = makeAttesters(3);
let mainnet: Side;
let chain138: Side;

async function side(chainId: number, selector: bigint): Promise<Side> {
    const node = await startAnvil({ chainId });
    const provider = node.provider();
    const deployer = node.wallet(0, provider);
    const user = node.wallet(1, provider);
    const weth = (await deploy("WETH9", deployer)).contract;
    const router = await deployRouter(deployer, selector);
    const bridge = (await deploy("CCIPWETH9Bridge", deployer, router.target, weth.target, deployer.address)).contract;
    return { node, provider, deployer, user, selector, weth, router, bridge };
}

/** Relays everything pending from `from` to `to`, with 2 of the 3 attesters signing. */
async function relayPending(from: Side, to: Side): Promise<number> {
    const pending = await pendingMessages(from.router, to.router, from.selector);
    const dest = { chainId: BigInt(to.node.chainId), router: String(to.router.target), chainSelector: to.selector };
    for (const message of pending) {
        await mined(to.router.deliver(message, await attest(message, dest, attesters.slice(1))));
    }
    return pending.length;
}

before(async () => {
    [mainnet, chain138] = await Promise.all([side(1, MAINNET_SELECTOR), side(138, CHAIN138_SELECTOR)]);
    await connectLane(mainnet.router, CHAIN138_SELECTOR, chain138.router, attesters, 2);
    await connectLane(chain138.router, MAINNET_SELECTOR, mainnet.router, attesters, 2);
    await mined(mainnet.bridge.setRemoteBridge(CHAIN138_SELECTOR, chain138.bridge.target));
    await mined(chain138.bridge.setRemoteBridge(MAINNET_SELECTOR, mainnet.bridge.target));
    // Chain 138 liquidity: the operator wraps native ether into the bridge (lock/release design).
    await mined(chain138.weth.deposit({ value: parseEther("100") }));
    await mined(chain138.weth.transfer(chain138.bridge.target, parseEther("100")));
});
after(async () => {
    for (const s of [mainnet, chain138]) {
        s?.provider.destroy();
        await s?.node.stop();
    }
});

describe("mainnet (1) <-> Chain 138 WETH9 bridge", () => {
    it("runs on two chains with the expected chain ids", async () => {
        assert.equal((await mainnet.provider.getNetwork()).chainId, 1n);
        assert.equal((await chain138.provider.getNetwork()).chainId, 138n);
        assert.notEqual(mainnet.node.rpcUrl, chain138.node.rpcUrl);
    });

    it("locks WETH9 on chain 1 and releases it on chain 138", async () => {
        const amount = parseEther("3");
        const alice = mainnet.user;
        const bob = chain138.node.wallet(2, chain138.provider);
        await mined((mainnet.weth.connect(alice) as Contract).deposit({ value: amount }));
        await mined((mainnet.weth.connect(alice) as Contract).approve(mainnet.bridge.target, amount));
        const fee = (await mainnet.bridge.quoteFee(CHAIN138_SELECTOR, bob.address, amount)) as bigint;
        await mined((mainnet.bridge.connect(alice) as Contract).bridge(CHAIN138_SELECTOR, bob.address, amount, { value: fee }));

        assert.equal(await mainnet.weth.balanceOf(alice.address), 0n);
        assert.equal(await mainnet.bridge.lockedLiquidity(), amount);
        assert.equal(await chain138.weth.balanceOf(bob.address), 0n);

        assert.equal(await relayPending(mainnet, chain138), 1);
        assert.equal(await chain138.weth.balanceOf(bob.address), amount);
        assert.equal(await chain138.bridge.lockedLiquidity(), parseEther("100") - amount);
        assert.equal(await chain138.router.getLastDeliveredSequence(MAINNET_SELECTOR), 1n);
        // Nothing left to relay: a restarted relayer finds no work.
        assert.equal(await relayPending(mainnet, chain138), 0);
    });

    it("sends it back from chain 138 to chain 1 out of the locked liquidity", async () => {
        const bob = chain138.node.wallet(2, chain138.provider);
        const carol = mainnet.node.wallet(3, mainnet.provider);
        const amount = parseEther("1");
        await mined((chain138.weth.connect(bob) as Contract).approve(chain138.bridge.target, amount));
        const fee = (await chain138.bridge.quoteFee(MAINNET_SELECTOR, carol.address, amount)) as bigint;
        await mined((chain138.bridge.connect(bob) as Contract).bridge(MAINNET_SELECTOR, carol.address, amount, { value: fee }));
        assert.equal(await relayPending(chain138, mainnet), 1);
        assert.equal(await mainnet.weth.balanceOf(carol.address), amount);
        assert.equal(await mainnet.bridge.lockedLiquidity(), parseEther("2"));
        assert.equal(await chain138.weth.balanceOf(bob.address), parseEther("2"));
    });
});
