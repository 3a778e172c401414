// The dev stack's public anvil keys and the one user journey both `npm run dev` and the e2e tests walk:
// wrap ether into WETH9 on one chain, bridge it over CCIP, and wait until the relayer delivers it.
import { Contract, HDNodeWallet, JsonRpcProvider, Mnemonic, Wallet, parseEther } from "ethers";
import { loadArtifact, type ContractName } from "../contracts/artifacts";
import type { Relayer, RelayerChain } from "../relayer";
import type { ContractOutputs } from "../stack/outputs";

/** anvil's default mnemonic: every key derived from it is a public test key. */
const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const devKey = (index: number): string => HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(ANVIL_MNEMONIC), `m/44'/60'/0'/0/${index}`).privateKey;

/** Roles of anvil's dev accounts on the dev stack (Pulumi.dev.yaml lists accounts 7–9 as attesters). */
export const DEV_KEYS = {
    deployer: devKey(0),
    user: devKey(1),
    relayer: devKey(6),
    attesters: [devKey(7), devKey(8), devKey(9)],
} as const;

/** A chain of the dev stack as the bridge needs it. */
export interface BridgeChain {
    name: string;
    rpcUrl: string;
    chainId: number;
    chainSelector: string;
}

export interface BridgeResult {
    messageId: string;
    user: string;
    /** The user's WETH9 balance on each side after delivery, in wei. */
    sourceBalance: bigint;
    destinationBalance: bigint;
}

/** `contract`'s address on `chain` in the stack's `contracts` output; the error names both. */
export function contractAddress(contracts: ContractOutputs, chain: string, contract: ContractName): string {
    const address = contracts[chain]?.[contract];
    if (address === undefined) throw new Error(`the stack output has no ${contract} on ${chain}`);
    return address;
}

/** The dev chains as the relayer serves them: each chain's CCIPRouter from `contracts`, no confirmations (anvil). */
export function devRelayerChains(chains: readonly BridgeChain[], contracts: ContractOutputs): RelayerChain[] {
    return chains.map((c) => ({
        name: c.name,
        rpcUrl: c.rpcUrl,
        routerAddress: contractAddress(contracts, c.name, "CCIPRouter"),
        chainSelector: BigInt(c.chainSelector),
        confirmations: 0,
    }));
}

/**
 * Wraps `amountWei` into WETH9 on `source`, bridges it to the same user on `destination` through
 * CCIPWETH9Bridge (fee quoted by the bridge), and waits for `relayer` to deliver the message.
 * `contracts` is the stack output `{ <chain>: { <Contract>: address } }` (stack/outputs.ts).
 */
export async function bridgeWeth9(options: {
    source: BridgeChain;
    destination: BridgeChain;
    contracts: ContractOutputs;
    relayer: Relayer;
    userKey: string;
    amountWei?: bigint;
    timeoutMs?: number;
}): Promise<BridgeResult> {
    const { source, destination, contracts } = options;
    const amount = options.amountWei ?? parseEther("1");
    const addressOf = (chain: string, contract: ContractName): string => contractAddress(contracts, chain, contract);
    // cacheTimeout -1: ethers otherwise answers the next nonce query from a 250 ms cache, and on an
    // instant-mining chain the second transaction would reuse the first one's nonce.
    const sourceProvider = new JsonRpcProvider(source.rpcUrl, source.chainId, { staticNetwork: true, cacheTimeout: -1 });
    const destinationProvider = new JsonRpcProvider(destination.rpcUrl, destination.chainId, { staticNetwork: true, cacheTimeout: -1 });
    sourceProvider.pollingInterval = destinationProvider.pollingInterval = 250;
    try {
        const user = new Wallet(options.userKey, sourceProvider);
        const weth9 = loadArtifact("WETH9").abi;
        const sourceWeth = new Contract(addressOf(source.name, "WETH9"), weth9, user);
        const destinationWeth = new Contract(addressOf(destination.name, "WETH9"), weth9, destinationProvider);
        const bridge = new Contract(addressOf(source.name, "CCIPWETH9Bridge"), loadArtifact("CCIPWETH9Bridge").abi, user);
        const router = new Contract(addressOf(source.name, "CCIPRouter"), loadArtifact("CCIPRouter").abi, sourceProvider);

        await (await sourceWeth.getFunction("deposit")({ value: amount })).wait();
        await (await sourceWeth.getFunction("approve")(bridge.target, amount)).wait();
        const selector = BigInt(destination.chainSelector);
        const fee = (await bridge.getFunction("quoteFee")(selector, user.address, amount)) as bigint;
        const receipt = await (await bridge.getFunction("bridge")(selector, user.address, amount, { value: fee })).wait();
        const sent = (receipt?.logs ?? [])
            .map((entry: { topics: string[]; data: string }) => router.interface.parseLog(entry))
            .find((parsed: { name: string } | null) => parsed?.name === "CCIPMessageSent");
        if (sent === undefined || sent === null) throw new Error(`bridge transaction on ${source.name} emitted no CCIPMessageSent`);
        const messageId = String(sent.args.getValue("messageId"));
        await options.relayer.waitForDelivery(messageId, options.timeoutMs ?? 120_000);
        return {
            messageId,
            user: user.address,
            sourceBalance: (await sourceWeth.getFunction("balanceOf")(user.address)) as bigint,
            destinationBalance: (await destinationWeth.getFunction("balanceOf")(user.address)) as bigint,
        };
    } finally {
        sourceProvider.destroy();
        destinationProvider.destroy();
    }
}
