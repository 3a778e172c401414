// Two anvil chains (ids 1 and 138) with the suite's routers and WETH9 bridges wired to each other,
// for running the real relayer service (relayer/) against them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Contract, parseEther, type JsonRpcProvider, type Wallet } from "ethers";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploy } from "../../devkit/deploy";
import { mined } from "./assertions";
import { sentMessages } from "../../devkit/ccip";
import { connectLane, deployRouter } from "./ccip-fixture";
import { CHAIN138_SELECTOR, MAINNET_SELECTOR, makeAttesters } from "../../devkit/ccip-fixture";
import type { RelayerChain, RelayerOptions } from "../../relayer/index";

/** One chain with its deployed contracts. */
export interface RelayerSide {
    name: "mainnet" | "chain138";
    node: AnvilNode;
    provider: JsonRpcProvider;
    deployer: Wallet;
    selector: bigint;
    weth: Contract;
    router: Contract;
    bridge: Contract;
}

/** Both chains, the lane attesters and a scratch folder for state files. */
export interface RelayerWorld {
    mainnet: RelayerSide;
    chain138: RelayerSide;
    attesters: Wallet[];
    threshold: number;
    /** Dev account 9: pays for deliveries on both chains (same mnemonic on both anvils). */
    relayerKey: string;
    dir: string;
    /** Relayer options for these chains; `rpcUrls` overrides a chain's RPC (e.g. a proxy). */
    options(stateFile: string, extra?: Partial<RelayerOptions> & { rpcUrls?: Partial<Record<RelayerSide["name"], string>> }): RelayerOptions;
    /** `amount` of native ether wrapped and bridged from `from` to `recipient` on the other chain; returns the message id. */
    bridge(from: RelayerSide, userIndex: number, recipient: string, amount: bigint): Promise<string>;
    /** MessageExecuted events on `side`'s router, in chain order. */
    executed(side: RelayerSide): Promise<{ source: bigint; sequence: bigint; messageId: string; success: boolean }[]>;
    stop(): Promise<void>;
}

/** Destination liquidity on each side (lock/release: the operator wraps ether into the bridge). */
export const LIQUIDITY = parseEther("100");

async function side(name: RelayerSide["name"], chainId: number, selector: bigint): Promise<RelayerSide> {
    const node = await startAnvil({ chainId });
    const provider = node.provider();
    const deployer = node.wallet(0, provider);
    const weth = (await deploy("WETH9", deployer)).contract;
    const router = await deployRouter(deployer, selector);
    const bridge = (await deploy("CCIPWETH9Bridge", deployer, router.target, weth.target, deployer.address)).contract;
    return { name, node, provider, deployer, selector, weth, router, bridge };
}

/** Starts both chains and wires lanes (`threshold` of `attesterCount`) and bridges both ways. */
export async function startRelayerWorld(opts: { threshold?: number; attesterCount?: number; liquidity?: boolean } = {}): Promise<RelayerWorld> {
    const threshold = opts.threshold ?? 2;
    const attesters = makeAttesters(opts.attesterCount ?? 3);
    const [mainnet, chain138] = await Promise.all([side("mainnet", 1, MAINNET_SELECTOR), side("chain138", 138, CHAIN138_SELECTOR)]);
    await connectLane(mainnet.router, CHAIN138_SELECTOR, chain138.router, attesters, threshold);
    await connectLane(chain138.router, MAINNET_SELECTOR, mainnet.router, attesters, threshold);
    await mined(mainnet.bridge.setRemoteBridge(CHAIN138_SELECTOR, chain138.bridge.target));
    await mined(chain138.bridge.setRemoteBridge(MAINNET_SELECTOR, mainnet.bridge.target));
    if (opts.liquidity ?? true) {
        for (const s of [mainnet, chain138]) {
            await mined(s.weth.deposit({ value: LIQUIDITY }));
            await mined(s.weth.transfer(s.bridge.target, LIQUIDITY));
        }
    }
    const dir = mkdtempSync(path.join(tmpdir(), "relayer-test-"));
    const relayerKey = mainnet.node.accounts[9].privateKey;

    const chainConfig = (s: RelayerSide, rpcUrl?: string): RelayerChain => ({
        name: s.name,
        rpcUrl: rpcUrl ?? s.node.rpcUrl,
        routerAddress: String(s.router.target),
        chainSelector: s.selector,
    });

    return {
        mainnet,
        chain138,
        attesters,
        threshold,
        relayerKey,
        dir,
        options: (stateFile, extra = {}) => {
            const { rpcUrls, ...rest } = extra;
            return {
                chains: [chainConfig(mainnet, rpcUrls?.mainnet), chainConfig(chain138, rpcUrls?.chain138)],
                attesterKeys: attesters.map((a) => a.privateKey),
                relayerKey,
                stateFile,
                pollIntervalMs: 100,
                retryMinTimeoutMs: 50,
                log: () => undefined,
                ...rest,
            };
        },
        bridge: async (from, userIndex, recipient, amount) => {
            const user = from.node.wallet(userIndex, from.provider);
            const dest = from === mainnet ? CHAIN138_SELECTOR : MAINNET_SELECTOR;
            const fee = (await from.bridge.quoteFee(dest, recipient, amount)) as bigint;
            const receipt = await mined((from.bridge.connect(user) as Contract).bridgeNative(dest, recipient, amount, { value: amount + fee }));
            const [sent] = sentMessages(from.router, receipt);
            if (sent === undefined) throw new Error("bridgeNative emitted no CCIPMessageSent");
            return sent.messageId;
        },
        executed: async (s) => {
            const logs = await s.router.queryFilter(s.router.filters.MessageExecuted(), 0);
            return logs.map((log) => {
                if (!("args" in log)) throw new Error("undecodable MessageExecuted log");
                return {
                    source: log.args.sourceChainSelector as bigint,
                    sequence: log.args.sequenceNumber as bigint,
                    messageId: log.args.messageId as string,
                    success: log.args.success as boolean,
                };
            });
        },
        stop: async () => {
            for (const s of [mainnet, chain138]) {
                s.provider.destroy();
                await s.node.stop();
            }
            rmSync(dir, { recursive: true, force: true });
        },
    };
}
