// Public API of the attester service: one attester key, its own RPC view of each chain, signatures over HTTP.
import type { Server } from "node:http";
import { Wallet } from "ethers";
import { Counter, Gauge, Registry } from "prom-client";
import { connectReader, type ChainReader } from "../relayer/chain";
import { describe, type RetryPolicy } from "../relayer/retry";
import { SignedLedger } from "./ledger";
import { listen } from "./server";
import { MessageSigner } from "./signer";
import type { AttesterInfo } from "./protocol";

/** One chain the attester reads (as a source) and signs for (as a destination). */
export interface AttesterChain {
    name: string;
    /** This attester's own endpoint: never the relayer's, or the relayer's node could show it a forged chain. */
    rpcUrl: string;
    routerAddress: string;
    chainSelector: bigint;
    /** Blocks a send event must be buried under before this attester signs it (default 0; ≥ 12 on mainnet). */
    confirmations?: number;
}

export interface AttesterOptions {
    chains: AttesterChain[];
    attesterKey: string;
    /** Bearer token relayers present (at least 32 characters). */
    authToken: string;
    /** What this attester signed (attester/ledger.ts); keep it with the key: losing it drops the double-sign guard. */
    stateFile: string;
    /** Listen address (default 127.0.0.1) and port (default 0: a free one). */
    host?: string;
    port?: number;
    retries?: number;
    retryMinTimeoutMs?: number;
    /** How often the chains' heads are read for /healthz (default 5000 ms). */
    healthIntervalMs?: number;
    log?: (line: string) => void;
}

export interface Attester {
    readonly address: string;
    /** http://host:port of the listening server. */
    readonly url: string;
    stop(): Promise<void>;
}

function parseKey(key: string): Wallet {
    try {
        return new Wallet(key.trim());
    } catch {
        throw new Error("attesterKey is not a valid private key"); // never echo the value
    }
}

async function connectAll(options: AttesterOptions, policy: RetryPolicy): Promise<ChainReader[]> {
    const settled = await Promise.allSettled(options.chains.map((c) => connectReader(c, policy, 1000)));
    const chains = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = settled.find((r) => r.status === "rejected");
    if (failed !== undefined) {
        chains.forEach((c) => c.provider.destroy());
        throw (failed as PromiseRejectedResult).reason;
    }
    return chains;
}

export async function startAttester(options: AttesterOptions): Promise<Attester> {
    const log = options.log ?? ((line: string) => console.log(line));
    if (options.authToken.length < 32) throw new Error("authToken must be at least 32 characters (e.g. `openssl rand -hex 32`)");
    if (options.chains.length < 2) throw new Error("an attester needs at least two chains (a source and a destination)");
    const wallet = parseKey(options.attesterKey);
    const ledger = new SignedLedger(options.stateFile, wallet.address);
    const abort = new AbortController();
    const policy: RetryPolicy = { retries: options.retries ?? 4, minTimeoutMs: options.retryMinTimeoutMs ?? 200, signal: abort.signal, log };
    const chains = await connectAll(options, policy);

    const registry = new Registry();
    const signed = new Counter({ name: "attester_signatures_total", help: "Signatures given, per lane", labelNames: ["lane"], registers: [registry] });
    const refused = new Counter({ name: "attester_refusals_total", help: "Sign requests refused, per reason", labelNames: ["reason"], registers: [registry] });
    const head = new Gauge({ name: "attester_chain_head", help: "Last head block read per chain", labelNames: ["chain"], registers: [registry] });
    new Gauge({
        name: "attester_ledger_entries",
        help: "Sequence numbers signed (state file entries)",
        registers: [registry],
        collect() {
            this.set(ledger.size);
        },
    });

    const lastHeadAt = new Map<string, number>();
    const healthMs = options.healthIntervalMs ?? 5000;
    const readHeads = async (): Promise<void> => {
        await Promise.all(
            chains.map(async (c) => {
                try {
                    head.set({ chain: c.name }, await c.provider.getBlockNumber());
                    lastHeadAt.set(c.name, Date.now());
                } catch (err) {
                    log(`${c.name}: head not readable: ${describe(err)}`);
                }
            }),
        );
    };
    await readHeads();
    const healthTimer = setInterval(() => void readHeads(), healthMs);

    const signer = new MessageSigner(wallet, new Map(chains.map((c) => [c.selector, c])), ledger, policy, {
        signed: (lane) => signed.inc({ lane }),
        refused: (reason) => refused.inc({ reason }),
    });
    const info: AttesterInfo = {
        attester: wallet.address,
        chains: chains.map((c) => ({
            name: c.name,
            chainSelector: String(c.selector),
            chainId: String(c.chainId),
            router: c.routerAddress,
            confirmations: c.confirmations,
        })),
    };
    let server: Server;
    try {
        server = await listen(
            {
                signer,
                info,
                token: options.authToken,
                metrics: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
                healthy: () => chains.every((c) => Date.now() - (lastHeadAt.get(c.name) ?? 0) < 3 * healthMs),
                log,
            },
            options.host ?? "127.0.0.1",
            options.port ?? 0,
        );
    } catch (err) {
        clearInterval(healthTimer);
        chains.forEach((c) => c.provider.destroy());
        throw err;
    }
    const addr = server.address();
    if (addr === null || typeof addr === "string") throw new Error("attester server has no TCP address");
    const url = `http://${addr.family === "IPv6" ? `[${addr.address}]` : addr.address}:${addr.port}`;
    log(
        `attester ${wallet.address} listening on ${url}, reading ${chains.map((c) => `${c.name} (${c.confirmations} confirmations)`).join(", ")}; ${ledger.size} signatures on record`,
    );
    let stopped: Promise<void> | undefined;
    return {
        address: wallet.address,
        url,
        stop: () => {
            stopped ??= (async () => {
                abort.abort(new Error("attester stopped"));
                clearInterval(healthTimer);
                await new Promise<void>((resolve) => {
                    server.close(() => resolve());
                    server.closeAllConnections();
                });
                chains.forEach((c) => c.provider.destroy());
            })();
            return stopped;
        },
    };
}
