// CCIP lane wiring as data: read one side's on-chain state and derive the calls that bring it to the
// desired state, in order. Ownership is not the lane's business: SuiteGovernance hands each chain's suite to its
// MultiSig once, after every lane of that chain (components/contracts-governance.ts).
import { Contract, Wallet, ZeroAddress, getAddress, type JsonRpcProvider } from "ethers";
import { BRIDGE_ABI, ORACLE_ABI, ROUTER_ABI, WETH_ABI } from "./abis";
import { plannedCall, sameAddress as same, type PlannedCall } from "./owner-calls";
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

/** The plan for one side: drift found (human-readable) and calls to fix it, in order. */
export interface SidePlan {
    side: string;
    drift: string[];
    calls: PlannedCall[];
}

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
                "CCIPRouter",
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
        calls.push(plannedCall(`${local.name}: router.setFeeConfig(native)`, "CCIPRouter", local.router, ROUTER_ABI, "setFeeConfig", [ZeroAddress, want]));
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
                plannedCall(`${local.name}: ${label}.setRemoteBridge(${remote.name})`, label, address, BRIDGE_ABI, "setRemoteBridge", [
                    remoteSel,
                    remoteAddress,
                ]),
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
            plannedCall(`${local.name}: OracleWithCCIP.setDestination(${remote.name})`, "OracleWithCCIP", local.oracle, ORACLE_ABI, "setDestination", [
                remoteSel,
                remote.oracle,
            ]),
        );
    }
    const source = (await read("oracle.getSource", () => oracle.getFunction("getSource").staticCall(remoteSel))) as string;
    if (!same(source, remote.oracle)) {
        drift.push(`${local.name}: OracleWithCCIP source ${remote.name}: have ${source}, want ${remote.oracle}`);
        calls.push(
            plannedCall(`${local.name}: OracleWithCCIP.setSource(${remote.name})`, "OracleWithCCIP", local.oracle, ORACLE_ABI, "setSource", [
                remoteSel,
                remote.oracle,
            ]),
        );
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
            calls.push(plannedCall(`${local.name}: WETH9.deposit(${missing})`, "WETH9", local.weth9, WETH_ABI, "deposit", [], 100_000n, missing, "deployer"));
            calls.push(
                plannedCall(
                    `${local.name}: WETH9.transfer(bridge, ${missing})`,
                    "WETH9",
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
                contract: "OracleWithCCIP",
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

/** Reads `local`'s state as seen against `remote` and plans the calls. */
export async function planSide(target: ChainTarget, local: LaneSide, remote: LaneSide, settings: LaneSettings, options: PlanOptions): Promise<SidePlan> {
    const side: SideReading = {
        local,
        remote,
        remoteSel: BigInt(remote.chainSelector),
        provider: chainProvider(target),
        read: (label, fn) => rpcCall(target, label, () => fn()),
        drift: [],
    };
    // The planners read one after another, in this order (the calls go out in the same order).
    const calls: PlannedCall[] = [];
    if (local.routerManaged) calls.push(...(await planRouter(side, settings)));
    calls.push(...(await planBridges(side)));
    calls.push(...(await planOracle(side)));
    calls.push(...(await planFunding(side, options)));
    return { side: local.name, drift: side.drift, calls };
}

/** The deployer's address (public) from its key. */
export function deployerOf(key: string): string {
    return new Wallet(key).address;
}
