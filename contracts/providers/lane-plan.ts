// CCIP lane wiring as data: read one side's on-chain state and derive the calls that bring it to the
// desired state, in order (configuration first, ownership hand-over to the MultiSig last).
import { Contract, Interface, Wallet, ZeroAddress, getAddress, type JsonRpcProvider } from "ethers";
import { BRIDGE_ABI, MULTISIG_ABI, ORACLE_ABI, OWNABLE2STEP_ABI, ROUTER_ABI, WETH_ABI } from "./abis";
import { rpcCall, chainProvider, type ChainTarget } from "./rpc";

/** One chain's side of a lane: where its contracts are. Addresses are checksummed strings. */
export interface LaneSide {
    name: string;
    chainId: number;
    /** CCIP chain selector (decimal string: it exceeds 2^53). */
    chainSelector: string;
    confirmations: number;
    /** The chain's node minimum gas price (decimal wei); absent means 0 (contracts/fees.ts). */
    minGasPriceWei?: string;
    router: string;
    /** Whether `router` is our CCIPRouter (configured and owned by us) or an existing external router. */
    routerManaged: boolean;
    multisig: string;
    weth9: string;
    weth9Bridge: string;
    weth10Bridge: string;
    oracle: string;
    aggregator: string;
    aggregatorProxy: string;
    /** WETH9 the side's WETH9 bridge should hold at least (wei, decimal string; "0" = no top-up). */
    bridgeLiquidityWei: string;
    /** Ether OracleWithCCIP should hold at least for CCIP fees (wei, decimal string). */
    oracleFundingWei: string;
}

/** Router settings applied to both sides. */
export interface LaneSettings {
    attesters: string[];
    threshold: number;
    fee: { baseFee: string; feePerByte: string; feePerGas: string };
}

/** A call the wiring makes; `authority` is the Ownable contract whose owner must make it (if any). */
export interface PlannedCall {
    description: string;
    target: string;
    data: string;
    value: bigint;
    /**
     * Who must call: "owner" (owner-only: the current owner of `target` decides between a direct call and a
     * MultiSig transaction), "multisig" (always the MultiSig, e.g. acceptOwnership), "deployer" (anyone).
     */
    by: "owner" | "multisig" | "deployer";
    /** Gas when the estimate cannot see the effects of earlier calls in the same batch. */
    fallbackGas: bigint;
}

/** The plan for one side: drift found (human-readable) and calls to fix it, in order. */
export interface SidePlan {
    side: string;
    drift: string[];
    calls: PlannedCall[];
    /** Current owner of each owner-only target (lowercase address → owner). */
    owners: Map<string, string>;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * What a plan covers besides configuration. Balances are provisioned, not kept: bridging drains the
 * bridge's liquidity and CCIP fees drain the oracle's ether by design, so a lower balance is not drift
 * (a preview after ordinary traffic stays clean). They are topped up to the configured amounts when
 * the lane is created and when those amounts change.
 */
export interface PlanOptions {
    /** Top up bridge liquidity and oracle funding to the side's configured amounts. */
    funding: boolean;
}

/**
 * One planSide run, passed to the per-contract planners below: where to read and the drift found so far.
 * Built per call (both sides are planned concurrently), never kept at module level: the module is serialised.
 */
interface SideReading {
    local: LaneSide;
    remote: LaneSide;
    remoteSel: bigint;
    provider: JsonRpcProvider;
    read: <T>(label: string, fn: () => Promise<T>) => Promise<T>;
    drift: string[];
}

function plannedCall(
    description: string,
    to: string,
    abi: string[],
    fn: string,
    args: unknown[],
    fallbackGas = 300_000n,
    value = 0n,
    by: PlannedCall["by"] = "owner",
): PlannedCall {
    return {
        description,
        target: to,
        data: new Interface(abi).encodeFunctionData(fn, args),
        value,
        by,
        fallbackGas,
    };
}

// Only our own CCIPRouter is configured: its lane to the remote side (router, threshold, attesters) and the native fee.
async function planRouter(side: SideReading, settings: LaneSettings): Promise<PlannedCall[]> {
    const { local, remote, remoteSel, read, drift } = side;
    const calls: PlannedCall[] = [];
    const router = new Contract(local.router, ROUTER_ABI, side.provider);
    const lane = (await read(`router.getLane(${remoteSel})`, () => router.getFunction("getLane").staticCall(remoteSel))) as {
        enabled: boolean;
        remoteRouter: string;
        threshold: bigint;
        attesters: string[];
    };
    const wanted = [...settings.attesters].map((a) => getAddress(a)).sort();
    const have = [...lane.attesters].map((a) => getAddress(a)).sort();
    if (!lane.enabled || !same(lane.remoteRouter, remote.router) || Number(lane.threshold) !== settings.threshold || wanted.join() !== have.join()) {
        drift.push(
            `${local.name}: router lane to ${remote.name}: have enabled=${lane.enabled} remoteRouter=${lane.remoteRouter} threshold=${lane.threshold} ` +
                `attesters=[${have.join(",")}]; want remoteRouter=${remote.router} threshold=${settings.threshold} attesters=[${wanted.join(",")}]`,
        );
        calls.push(
            plannedCall(
                `${local.name}: router.setLane(${remote.name})`,
                local.router,
                ROUTER_ABI,
                "setLane",
                [remoteSel, remote.router, wanted, settings.threshold],
                250_000n + 90_000n * BigInt(wanted.length),
            ),
        );
    }
    const fee = (await read("router.getFeeConfig(native)", () => router.getFunction("getFeeConfig").staticCall(ZeroAddress))) as {
        enabled: boolean;
        baseFee: bigint;
        feePerByte: bigint;
        feePerGas: bigint;
    };
    const want = {
        enabled: true,
        baseFee: BigInt(settings.fee.baseFee),
        feePerByte: BigInt(settings.fee.feePerByte),
        feePerGas: BigInt(settings.fee.feePerGas),
    };
    if (!fee.enabled || fee.baseFee !== want.baseFee || fee.feePerByte !== want.feePerByte || fee.feePerGas !== want.feePerGas) {
        drift.push(
            `${local.name}: router native fee config: have ${fee.enabled ? `${fee.baseFee}/${fee.feePerByte}/${fee.feePerGas}` : "disabled"}; want ${want.baseFee}/${want.feePerByte}/${want.feePerGas}`,
        );
        calls.push(plannedCall(`${local.name}: router.setFeeConfig(native)`, local.router, ROUTER_ABI, "setFeeConfig", [ZeroAddress, want]));
    }
    return calls;
}

// Each bridge accepts transfers only from the remote side's bridge of the same kind.
async function planBridges(side: SideReading): Promise<PlannedCall[]> {
    const { local, remote, remoteSel, read, drift } = side;
    const calls: PlannedCall[] = [];
    for (const [label, address, remoteAddress] of [
        ["CCIPWETH9Bridge", local.weth9Bridge, remote.weth9Bridge],
        ["CCIPWETH10Bridge", local.weth10Bridge, remote.weth10Bridge],
    ] as const) {
        const bridge = new Contract(address, BRIDGE_ABI, side.provider);
        const current = (await read(`${label}.remoteBridge`, () => bridge.getFunction("remoteBridge").staticCall(remoteSel))) as string;
        if (!same(current, remoteAddress)) {
            drift.push(`${local.name}: ${label} allowlist for ${remote.name}: have ${current}, want ${remoteAddress}`);
            calls.push(
                plannedCall(`${local.name}: ${label}.setRemoteBridge(${remote.name})`, address, BRIDGE_ABI, "setRemoteBridge", [remoteSel, remoteAddress]),
            );
        }
    }
    return calls;
}

// The oracle both sends to and accepts from the remote side's oracle.
async function planOracle(side: SideReading): Promise<PlannedCall[]> {
    const { local, remote, remoteSel, read, drift } = side;
    const calls: PlannedCall[] = [];
    const oracle = new Contract(local.oracle, ORACLE_ABI, side.provider);
    const destination = (await read("oracle.getDestinationOracle", () => oracle.getFunction("getDestinationOracle").staticCall(remoteSel))) as string;
    if (!same(destination, remote.oracle)) {
        drift.push(`${local.name}: OracleWithCCIP destination ${remote.name}: have ${destination}, want ${remote.oracle}`);
        calls.push(
            plannedCall(`${local.name}: OracleWithCCIP.setDestination(${remote.name})`, local.oracle, ORACLE_ABI, "setDestination", [remoteSel, remote.oracle]),
        );
    }
    const source = (await read("oracle.getSource", () => oracle.getFunction("getSource").staticCall(remoteSel))) as string;
    if (!same(source, remote.oracle)) {
        drift.push(`${local.name}: OracleWithCCIP source ${remote.name}: have ${source}, want ${remote.oracle}`);
        calls.push(plannedCall(`${local.name}: OracleWithCCIP.setSource(${remote.name})`, local.oracle, ORACLE_ABI, "setSource", [remoteSel, remote.oracle]));
    }
    return calls;
}

// Funding needs no authority: the deployer wraps ether and hands it over. Only when options.funding (see PlanOptions).
async function planFunding(side: SideReading, options: PlanOptions): Promise<PlannedCall[]> {
    const { local, provider, read, drift } = side;
    const calls: PlannedCall[] = [];
    const liquidityWanted = options.funding ? BigInt(local.bridgeLiquidityWei) : 0n;
    if (liquidityWanted > 0n) {
        const weth = new Contract(local.weth9, WETH_ABI, provider);
        const held = (await read("WETH9.balanceOf(bridge)", () => weth.getFunction("balanceOf").staticCall(local.weth9Bridge))) as bigint;
        if (held < liquidityWanted) {
            const missing = liquidityWanted - held;
            drift.push(`${local.name}: CCIPWETH9Bridge liquidity ${held} wei < ${liquidityWanted} wei`);
            calls.push(plannedCall(`${local.name}: WETH9.deposit(${missing})`, local.weth9, WETH_ABI, "deposit", [], 100_000n, missing, "deployer"));
            calls.push(
                plannedCall(
                    `${local.name}: WETH9.transfer(bridge, ${missing})`,
                    local.weth9,
                    WETH_ABI,
                    "transfer",
                    [local.weth9Bridge, missing],
                    100_000n,
                    0n,
                    "deployer",
                ),
            );
        }
    }
    const fundingWanted = options.funding ? BigInt(local.oracleFundingWei) : 0n;
    if (fundingWanted > 0n) {
        const balance = await read("eth_getBalance(oracle)", () => provider.getBalance(local.oracle));
        if (balance < fundingWanted) {
            drift.push(`${local.name}: OracleWithCCIP fee balance ${balance} wei < ${fundingWanted} wei`);
            calls.push({
                description: `${local.name}: fund OracleWithCCIP`,
                target: local.oracle,
                data: "0x",
                value: fundingWanted - balance,
                by: "deployer",
                fallbackGas: 60_000n,
            });
        }
    }
    return calls;
}

/**
 * Ownership of every contract moves from the deployer to the MultiSig (two-step: transfer, then accept).
 * Records each current owner in `owners`; any other owner is an error, as the wiring cannot act for it.
 */
async function planHandover(side: SideReading, deployer: string, owners: Map<string, string>): Promise<PlannedCall[]> {
    const { local, read, drift } = side;
    const calls: PlannedCall[] = [];
    const ownables: [string, string][] = [
        ...(local.routerManaged ? [["CCIPRouter", local.router] as [string, string]] : []),
        ["CCIPWETH9Bridge", local.weth9Bridge],
        ["CCIPWETH10Bridge", local.weth10Bridge],
        ["Aggregator", local.aggregator],
        ["AggregatorProxy", local.aggregatorProxy],
        ["OracleWithCCIP", local.oracle],
    ];
    for (const [label, address] of ownables) {
        const ownable = new Contract(address, OWNABLE2STEP_ABI, side.provider);
        const owner = (await read(`${label}.owner`, () => ownable.getFunction("owner").staticCall())) as string;
        owners.set(address.toLowerCase(), owner);
        if (same(owner, local.multisig)) continue;
        if (!same(owner, deployer)) {
            throw new Error(
                `${local.name}: ${label} at ${address} is owned by ${owner}, neither the deployer ${deployer} nor the MultiSig ${local.multisig}; the wiring cannot manage it`,
            );
        }
        drift.push(`${local.name}: ${label} owned by the deployer, not the MultiSig`);
        const pending = (await read(`${label}.pendingOwner`, () => ownable.getFunction("pendingOwner").staticCall())) as string;
        if (!same(pending, local.multisig)) {
            calls.push(
                plannedCall(`${local.name}: ${label}.transferOwnership(MultiSig)`, address, OWNABLE2STEP_ABI, "transferOwnership", [local.multisig], 100_000n),
            );
        }
        // Accepting is the MultiSig's own call: routed through a MultiSig transaction (toTransactions).
        calls.push(
            plannedCall(
                `${local.name}: ${label}.acceptOwnership() by the MultiSig`,
                address,
                OWNABLE2STEP_ABI,
                "acceptOwnership",
                [],
                150_000n,
                0n,
                "multisig",
            ),
        );
    }
    return calls;
}

/** Reads `local`'s state as seen against `remote` and plans the calls (from `deployer`). */
export async function planSide(
    target: ChainTarget,
    local: LaneSide,
    remote: LaneSide,
    settings: LaneSettings,
    deployer: string,
    options: PlanOptions,
): Promise<SidePlan> {
    const side: SideReading = {
        local,
        remote,
        remoteSel: BigInt(remote.chainSelector),
        provider: chainProvider(target),
        read: (label, fn) => rpcCall(target, label, () => fn()),
        drift: [],
    };
    // The planners read one after another, in this order: configuration first, the ownership hand-over last.
    const calls: PlannedCall[] = [];
    if (local.routerManaged) calls.push(...(await planRouter(side, settings)));
    calls.push(...(await planBridges(side)));
    calls.push(...(await planOracle(side)));
    calls.push(...(await planFunding(side, options)));
    const owners = new Map<string, string>();
    calls.push(...(await planHandover(side, deployer, owners)));
    return { side: local.name, drift: side.drift, calls, owners };
}

/** A transaction to send for a planned call: direct from the deployer, or a MultiSig submit/execute pair. */
export interface WireTx {
    description: string;
    to: string;
    data: string;
    value: bigint;
    fallbackGas: bigint;
}

/**
 * Turns planned calls into transactions. Owner-only calls on contracts the MultiSig owns (and every
 * acceptOwnership) become `submit` + `execute` on the MultiSig, which needs the deployer among its
 * owners and a threshold of 1 (the initial design: see contracts/README.md#deployment); otherwise the
 * error lists the calls its owners must make.
 */
export async function toTransactions(target: ChainTarget, local: LaneSide, plan: SidePlan, deployer: string): Promise<WireTx[]> {
    const provider = chainProvider(target);
    const multisig = new Contract(local.multisig, MULTISIG_ABI, provider);
    const iface = new Interface(MULTISIG_ABI);
    const viaMultisig = (c: PlannedCall): boolean => {
        if (c.by !== "owner") return c.by === "multisig";
        const owner = plan.owners.get(c.target.toLowerCase());
        return owner !== undefined && same(owner, local.multisig);
    };
    const routed = plan.calls.filter(viaMultisig);
    let nextTxId = 0n;
    if (routed.length > 0) {
        const [owners, threshold, count] = await Promise.all([
            rpcCall(target, "MultiSig.getOwners", () => multisig.getFunction("getOwners").staticCall() as Promise<string[]>),
            rpcCall(target, "MultiSig.threshold", () => multisig.getFunction("threshold").staticCall() as Promise<bigint>),
            rpcCall(target, "MultiSig.transactionCount", () => multisig.getFunction("transactionCount").staticCall() as Promise<bigint>),
        ]);
        if (!owners.some((o) => same(o, deployer)) || threshold !== 1n) {
            throw new Error(
                `${local.name}: the MultiSig ${local.multisig} (threshold ${threshold}, owners ${owners.join(", ")}) must make these calls; ` +
                    `the deployer cannot alone. Submit and confirm them through the MultiSig:\n` +
                    routed.map((c) => `  - ${c.description}: to ${c.target} data ${c.data}`).join("\n"),
            );
        }
        nextTxId = count;
    }
    const txs: WireTx[] = [];
    for (const c of plan.calls) {
        if (!viaMultisig(c)) {
            txs.push({ description: c.description, to: c.target, data: c.data, value: c.value, fallbackGas: c.fallbackGas });
            continue;
        }
        // The MultiSig numbers transactions 0, 1, …: the ids of our submits follow in send order.
        const txId = nextTxId++;
        txs.push({
            description: `${c.description} (MultiSig submit #${txId})`,
            to: local.multisig,
            data: iface.encodeFunctionData("submit", [c.target, c.value, c.data]),
            value: 0n,
            fallbackGas: 350_000n,
        });
        txs.push({
            description: `${c.description} (MultiSig execute #${txId})`,
            to: local.multisig,
            data: iface.encodeFunctionData("execute", [txId]),
            value: 0n,
            fallbackGas: c.fallbackGas + 150_000n,
        });
    }
    return txs;
}

/** The deployer's address (public) from its key. */
export function deployerOf(key: string): string {
    return new Wallet(key).address;
}
