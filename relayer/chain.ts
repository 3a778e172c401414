// One configured chain: a checked RPC connection, its router and the relayer's sender there.
import { Contract, FetchRequest, JsonRpcProvider, Network, getAddress, type Wallet } from "ethers";
import { routerInterface } from "./router";
import { boundedFetchRequest, redactRpcUrl } from "../contracts/providers/rpc";
import { PermanentError, REQUEST_TIMEOUT_MS, describe, withRetry, type RetryPolicy } from "./retry";
import { TxSender, type FeeBumping } from "./sender";
import type { RelayerChain } from "./types";

/** A checked, read-only connection to one chain's router (what an attester needs: it never sends). */
export interface ChainReader {
    name: string;
    /** The name and the redacted endpoint, "mainnet (https://host/…)": how errors and logs name the chain. */
    where: string;
    selector: bigint;
    chainId: bigint;
    routerAddress: string;
    confirmations: number;
    startBlock: number;
    genesisHash: string;
    provider: JsonRpcProvider;
    router: Contract;
}

/** A chain the relayer reads and delivers to. */
export interface ChainHandle extends ChainReader {
    sender: TxSender;
}

export { REQUEST_TIMEOUT_MS };

/** An HTTP request to `url` under the relayer's timeout (contracts/providers/rpc.ts boundedFetchRequest). */
function boundedRequest(url: string): FetchRequest {
    return boundedFetchRequest(url, REQUEST_TIMEOUT_MS);
}

async function rpcChainId(url: string): Promise<bigint> {
    const req = boundedRequest(url);
    req.setHeader("content-type", "application/json");
    req.body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
    const res = await req.send();
    res.assertOk();
    const body = res.bodyJson as { result?: unknown; error?: { message?: string } };
    if (typeof body.result !== "string") throw new Error(`eth_chainId answered ${JSON.stringify(body.error ?? body)}`);
    return BigInt(body.result);
}

/** Connects to `config`, checks the router is there and carries the configured selector; adds the relayer's sender. */
export async function connectChain(
    config: RelayerChain,
    relayer: Wallet,
    policy: RetryPolicy,
    timing: { pollMs: number; receiptTimeoutMs: number; fees?: FeeBumping },
): Promise<ChainHandle> {
    const reader = await connectReader(config, policy, timing.pollMs);
    return {
        ...reader,
        sender: new TxSender(
            reader.name,
            relayer.connect(reader.provider),
            reader.provider,
            reader.chainId,
            timing.pollMs,
            timing.receiptTimeoutMs,
            policy,
            config.minGasPriceWei ?? 0n,
            timing.fees,
        ),
    };
}

/** Connects to `config` read-only: checks the router is there and carries the configured selector. */
export async function connectReader(
    config: Pick<RelayerChain, "name" | "rpcUrl" | "routerAddress" | "chainSelector" | "confirmations" | "startBlock">,
    policy: RetryPolicy,
    pollMs: number,
): Promise<ChainReader> {
    const { name } = config;
    let routerAddress: string;
    try {
        routerAddress = getAddress(config.routerAddress);
    } catch {
        throw new Error(`chain ${name}: routerAddress ${config.routerAddress} is not an address`);
    }
    // The URL may carry an API key (path, query or user info): errors show scheme, host and port only.
    const endpoint = redactRpcUrl(config.rpcUrl);
    let chainId: bigint;
    try {
        chainId = await withRetry(`${name} eth_chainId`, policy, () => rpcChainId(config.rpcUrl));
    } catch (err) {
        throw new Error(`chain ${name}: RPC ${endpoint} does not answer eth_chainId: ${describe(err).split(config.rpcUrl).join(endpoint)}`, { cause: err });
    }
    // Each connect step retries, then fails naming the chain, the step and the endpoint.
    const step = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
        withRetry(`${name} ${what}`, policy, fn).catch((err: unknown) => {
            throw new Error(`chain ${name}: RPC ${endpoint}: ${what} failed while connecting: ${describe(err).split(config.rpcUrl).join(endpoint)}`, {
                cause: err,
            });
        });
    const fetch = boundedRequest(config.rpcUrl);
    // One request per HTTP call: a dropped connection then fails one call, not a batch of them.
    const provider = new JsonRpcProvider(fetch, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    provider.pollingInterval = pollMs;
    try {
        const code = await step("getCode(router)", () => provider.getCode(routerAddress));
        if (code === "0x") throw new PermanentError(`chain ${name}: no contract at routerAddress ${routerAddress} (chain id ${chainId})`);
        const router = new Contract(routerAddress, routerInterface(), provider);
        const selector = await step("getLocalChainSelector", () => router.getLocalChainSelector() as Promise<bigint>);
        if (selector !== config.chainSelector) {
            throw new PermanentError(`chain ${name}: router ${routerAddress} has chain selector ${selector}, config says ${config.chainSelector}`);
        }
        const genesis = await step("genesis block", () => provider.getBlock(0));
        if (genesis?.hash == null) throw new Error(`chain ${name}: node returned no genesis block`);
        return {
            name,
            where: `${name} (${endpoint})`,
            selector,
            chainId,
            routerAddress,
            confirmations: config.confirmations ?? 0,
            startBlock: config.startBlock ?? 0,
            genesisHash: genesis.hash,
            provider,
            router,
        };
    } catch (err) {
        provider.destroy();
        throw err;
    }
}
