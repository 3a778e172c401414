// Gas report: deploys every suite contract on a throwaway anvil and prints the gas of deployment and main calls.
import { AbiCoder, Contract, parseEther, type ContractTransactionResponse, type Provider, type Wallet } from "ethers";
import { startAnvil } from "../devkit/anvil";
import { deploy, deployTest } from "../devkit/deploy";
import { attest, pendingMessages, sentMessages } from "../devkit/ccip";
import { makeAttesters } from "../devkit/ccip-fixture";
import { signWeth10Permit } from "../devkit/permit";

interface Row {
    contract: string;
    operation: string;
    gas: bigint;
}

const rows: Row[] = [];
const coder = AbiCoder.defaultAbiCoder();

async function measure(contract: string, operation: string, tx: Promise<ContractTransactionResponse>) {
    const receipt = await (await tx).wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`${contract}.${operation} failed`);
    rows.push({ contract, operation, gas: receipt.gasUsed });
    return receipt;
}

async function deployed(name: Parameters<typeof deploy>[0], signer: Wallet, ...args: unknown[]): Promise<Contract> {
    const d = await deploy(name, signer, ...args);
    rows.push({ contract: name, operation: "deploy", gas: d.receipt.gasUsed });
    return d.contract;
}

function print(): void {
    const header = ["Contract", "Operation", "Gas"];
    const body = rows.map((r) => [r.contract, r.operation, r.gas.toLocaleString("en-US")]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
    console.log(line(header));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const b of body) console.log(line(b));
}

/** The accounts every section signs with, and the node's chain id. */
interface Actors {
    owner: Wallet;
    alice: Wallet;
    bob: Wallet;
    chainId: number;
    provider: Provider;
}

const as = (c: Contract, w: Wallet) => c.connect(w) as Contract;

/** WETH9, WETH10 and Multicall3. */
async function measureTokens({ owner, alice, bob }: Actors): Promise<{ weth9: Contract; weth10: Contract }> {
    const mc = await deployed("Multicall3", owner);
    const weth9 = await deployed("WETH9", owner);
    await measure("WETH9", "deposit", as(weth9, alice).deposit({ value: parseEther("10") }));
    await measure("WETH9", "transfer", as(weth9, alice).transfer(bob.address, 1000n));
    await measure("WETH9", "approve", as(weth9, alice).approve(bob.address, 1000n));
    await measure("WETH9", "transferFrom", as(weth9, bob).transferFrom(alice.address, bob.address, 1000n));
    await measure("WETH9", "withdraw", as(weth9, alice).withdraw(1000n));
    const sym = weth9.interface.encodeFunctionData("symbol");
    await measure(
        "Multicall3",
        "aggregate3 (2 calls)",
        mc.aggregate3([
            { target: weth9.target, allowFailure: false, callData: sym },
            { target: weth9.target, allowFailure: true, callData: sym },
        ]),
    );

    const weth10 = await deployed("WETH10", owner);
    await measure("WETH10", "deposit", as(weth10, alice).deposit({ value: parseEther("10") }));
    await measure("WETH10", "transfer", as(weth10, alice).transfer(bob.address, 1000n));
    await measure("WETH10", "withdraw", as(weth10, alice).withdraw(1000n));
    const borrower = (await deployTest("FlashBorrowerMock", owner)).contract;
    await measure("WETH10", "flashLoan (1e24, via mock borrower)", borrower.borrow(weth10.target, parseEther("1000000"), 0, 0));
    return { weth9, weth10 };
}

/** Two routers on one chain standing in for two chains, with a lane each way. */
interface Lane {
    A: bigint;
    B: bigint;
    routerA: Contract;
    routerB: Contract;
    /** Delivers everything pending on the A->B lane in order, measuring the message with id `measuredId`. */
    deliverPending: (measuredId: string, label: string) => Promise<void>;
}

/** The routers and their lane. */
async function measureRouters({ owner, chainId }: Actors): Promise<Lane> {
    const attesters = makeAttesters(3);
    const [A, B] = [5009297550715157269n, 138n];
    const routerA = await deployed("CCIPRouter", owner, owner.address, A);
    const routerB = (await deploy("CCIPRouter", owner, owner.address, B)).contract;
    const fees = { enabled: true, baseFee: 10_000n, feePerByte: 10n, feePerGas: 1n };
    await measure("CCIPRouter", "setFeeConfig", routerA.setFeeConfig("0x0000000000000000000000000000000000000000", fees));
    await (await routerB.setFeeConfig("0x0000000000000000000000000000000000000000", fees)).wait();
    const attesterAddrs = attesters.map((a) => a.address);
    await measure("CCIPRouter", "setLane (3 attesters)", routerA.setLane(B, routerB.target, attesterAddrs, 2));
    await (await routerB.setLane(A, routerA.target, attesterAddrs, 2)).wait();
    const dest = { chainId: BigInt(chainId), router: String(routerB.target), chainSelector: B };
    const deliverPending = async (measuredId: string, label: string) => {
        for (const msg of await pendingMessages(routerA, routerB, A)) {
            const tx = routerB.deliver(msg, await attest(msg, dest, attesters.slice(0, 2)));
            if (msg.messageId === measuredId) await measure("CCIPRouter", label, tx);
            else await (await tx).wait();
        }
    };
    return { A, B, routerA, routerB, deliverPending };
}

/** The WETH9 and WETH10 bridges over the lane, a delivery, and a raw ccipSend. */
async function measureBridges(actors: Actors, lane: Lane, weth9: Contract, weth10: Contract): Promise<void> {
    const { owner, alice, bob, chainId, provider } = actors;
    const { A, B, routerA, routerB } = lane;
    const weth9B = (await deploy("WETH9", owner)).contract;
    const bridgeA = await deployed("CCIPWETH9Bridge", owner, routerA.target, weth9.target, owner.address);
    const bridgeB = (await deploy("CCIPWETH9Bridge", owner, routerB.target, weth9B.target, owner.address)).contract;
    await measure("CCIPWETH9Bridge", "setRemoteBridge", bridgeA.setRemoteBridge(B, bridgeB.target));
    await (await bridgeB.setRemoteBridge(A, bridgeA.target)).wait();
    await (await weth9B.deposit({ value: parseEther("10") })).wait();
    await (await weth9B.transfer(bridgeB.target, parseEther("10"))).wait();

    await (await as(weth9, alice).approve(bridgeA.target, parseEther("1"))).wait();
    const fee = (await bridgeA.quoteFee(B, bob.address, parseEther("1"))) as bigint;
    const lock = await measure("CCIPWETH9Bridge", "bridge (lock + ccipSend)", as(bridgeA, alice).bridge(B, bob.address, parseEther("1"), { value: fee }));
    await measure("CCIPWETH9Bridge", "bridgeNative (wrap + lock + send)", as(bridgeA, alice).bridgeNative(B, bob.address, 5n, { value: fee + 5n }));
    await lane.deliverPending(sentMessages(routerA, lock)[0].messageId, "deliver (2 of 3 sigs) + bridge release");
    const raw = {
        receiver: coder.encode(["address"], [bob.address]),
        data: "0x" + "00".repeat(64),
        tokenAmounts: [],
        feeToken: "0x0000000000000000000000000000000000000000",
        extraArgs: "0x",
    };
    await measure("CCIPRouter", "ccipSend (64-byte payload)", as(routerA, alice).ccipSend(B, raw, { value: await routerA.getFee(B, raw) }));

    const weth10B = (await deploy("WETH10", owner)).contract;
    const bridge10 = await deployed("CCIPWETH10Bridge", owner, routerA.target, weth10.target, owner.address);
    const bridge10B = (await deploy("CCIPWETH10Bridge", owner, routerB.target, weth10B.target, owner.address)).contract;
    await (await bridge10.setRemoteBridge(B, bridge10B.target)).wait();
    const deadline = BigInt((await provider.getBlock("latest"))!.timestamp + 600);
    const sig = await signWeth10Permit(alice, {
        token: String(weth10.target),
        chainId,
        spender: String(bridge10.target),
        value: 1000n,
        nonce: await weth10.nonces(alice.address),
        deadline,
    });
    const fee10 = (await bridge10.quoteFee(B, bob.address, 1000n)) as bigint;
    await measure(
        "CCIPWETH10Bridge",
        "bridgeWithPermit",
        as(bridge10, alice).bridgeWithPermit(B, bob.address, 1000n, deadline, sig.v, sig.r, sig.s, { value: fee10 }),
    );
}

/** Aggregator, AggregatorProxy, and an OracleWithCCIP round broadcast over the lane. */
async function measureOracle({ owner }: Actors, lane: Lane): Promise<void> {
    const { A, B, routerA, routerB } = lane;
    const agg = await deployed("Aggregator", owner, owner.address, 8, "ETH / USD", 3600, 500_000);
    await (await agg.setTransmitter(owner.address, true)).wait();
    await measure("Aggregator", "transmit (first round)", agg.transmit(2000_00000000n));
    await measure("Aggregator", "transmit (deviation)", agg.transmit(2100_00000000n));
    const agg2 = (await deploy("Aggregator", owner, owner.address, 8, "ETH / USD", 3600, 500_000)).contract;
    const proxy = await deployed("AggregatorProxy", owner, owner.address, agg.target);
    await measure("AggregatorProxy", "proposeAggregator", proxy.proposeAggregator(agg2.target));
    await measure("AggregatorProxy", "confirmAggregator", proxy.confirmAggregator(agg2.target));

    const oracleA = await deployed("OracleWithCCIP", owner, routerA.target, owner.address, 8, "ETH / USD", 3600, 500_000);
    const oracleB = (await deploy("OracleWithCCIP", owner, routerB.target, owner.address, 8, "ETH / USD", 3600, 500_000)).contract;
    await (await oracleA.setTransmitter(owner.address, true)).wait();
    await (await oracleA.setDestination(B, oracleB.target)).wait();
    await (await oracleB.setSource(A, oracleA.target)).wait();
    await (await owner.sendTransaction({ to: oracleA.target, value: parseEther("1") })).wait();
    const round = await measure("OracleWithCCIP", "transmit + broadcast to 1 chain", oracleA.transmit(2000_00000000n));
    await lane.deliverPending(sentMessages(routerA, round)[0].messageId, "deliver (2 of 3 sigs) + oracle round");
}

/** A MultiSig transaction from submission to execution. */
async function measureGovernance({ owner, alice, bob }: Actors): Promise<void> {
    const ms = await deployed("MultiSig", owner, [owner.address, alice.address, bob.address], 2);
    await measure("MultiSig", "submit (+ own confirmation)", ms.submit(bob.address, 0n, "0x"));
    await measure("MultiSig", "confirm", as(ms, alice).confirm(0n));
    await measure("MultiSig", "execute", ms.execute(0n));
}

async function main(): Promise<void> {
    const node = await startAnvil({ chainId: 138 });
    const provider = node.provider();
    try {
        const [owner, alice, bob] = [0, 1, 2].map((i) => node.wallet(i, provider));
        const actors: Actors = { owner, alice, bob, chainId: node.chainId, provider };
        const { weth9, weth10 } = await measureTokens(actors);
        const lane = await measureRouters(actors);
        await measureBridges(actors, lane, weth9, weth10);
        await measureOracle(actors, lane);
        await measureGovernance(actors);
        print();
    } finally {
        provider.destroy();
        await node.stop();
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
