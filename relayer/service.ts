// The relayer: one loop per source chain scans its router's send events (scanner.ts), delivers
// each of its lanes' messages strictly in sequence order (deliver.ts) and saves progress.
import type { Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { Wallet } from "ethers";
import { AttestersBelowThreshold, localAttester, probeAttester, remoteAttester, type AttesterClient } from "./attesters";
import { connectChain, type ChainHandle } from "./chain";
import { DELIVERY_TIMEOUT_MS, SourceReorged, deliverMessage, type DeliveryResult } from "./deliver";
import { RelayerMetrics, serveMetrics } from "./metrics";
import { lockStateFile } from "./state-lock";
import { discoverLanes, type Lane } from "./lanes";
import { MAX_TIMER_MS, describe, withRetry, type RetryPolicy } from "./retry";
import { SourceScanner } from "./scanner";
import { loadState, saveState, type RelayerState } from "./state";
import type { Relayer, RelayerOptions } from "./types";
import { DeliveryWaiters } from "./waiters";

/** Longest pause of a lane that keeps failing (RelayerOptions.maxLaneBackoffMs). */
export const MAX_LANE_BACKOFF_MS = 60_000;

function parseKey(key: string, what: string): Wallet {
    try {
        return new Wallet(key.trim());
    } catch {
        // Never echo the value: it is (meant to be) a secret.
        throw new Error(`${what} is not a valid private key`);
    }
}

function checkOptions(options: RelayerOptions): void {
    if (options.chains.length < 2) throw new Error("relayer needs at least two chains");
    if ((options.attesters ?? []).length + (options.attesterKeys ?? []).length === 0) {
        throw new Error("relayer needs attesters (remote attester endpoints) or attesterKeys (in-process keys, tests only)");
    }
    const names = new Set<string>();
    const selectors = new Set<bigint>();
    for (const c of options.chains) {
        if (names.has(c.name)) throw new Error(`chain name ${c.name} is configured twice`);
        if (selectors.has(c.chainSelector)) throw new Error(`chain ${c.name}: chain selector ${c.chainSelector} is configured twice`);
        names.add(c.name);
        selectors.add(c.chainSelector);
    }
    // AbortSignal.timeout and setTimeout take a whole number of milliseconds: AbortSignal.timeout throws ERR_OUT_OF_RANGE
    // outside 0 … 2^32-1 (Node docs, "AbortSignal.timeout(delay)"), and both clamp a delay above 2^31-1 to 1 ms with a
    // TimeoutOverflowWarning (Node docs, "setTimeout(callback[, delay[, ...args]])"; seen on Node 24 for
    // AbortSignal.timeout(2 ** 31)): every delivery or receipt wait would end at once. Caught here, not at each delivery,
    // where it would only pause the lane over and over.
    for (const key of ["deliveryTimeoutMs", "receiptTimeoutMs"] as const) {
        const t = options[key];
        if (t !== undefined && !(Number.isInteger(t) && t > 0 && t <= MAX_TIMER_MS)) {
            throw new Error(`${key} must be a whole number of milliseconds between 1 and ${MAX_TIMER_MS}, got ${t}`);
        }
    }
    const b = options.maxLaneBackoffMs;
    if (b !== undefined && !(Number.isInteger(b) && b > 0)) throw new Error(`maxLaneBackoffMs must be a whole number of milliseconds above 0, got ${b}`);
}

/** What the source and lane loops share; set up once by startRelayer. */
interface RelayerRun {
    signal: AbortSignal;
    policy: RetryPolicy;
    pollMs: number;
    /** Deadline of one deliverMessage (RelayerOptions.deliveryTimeoutMs). */
    deliveryTimeoutMs: number;
    /** Longest pause of a failing lane (RelayerOptions.maxLaneBackoffMs). */
    maxLaneBackoffMs: number;
    log: (line: string) => void;
    waiters: DeliveryWaiters;
    /** Saves every scanner's cursor and every lane's last delivered sequence. */
    persist: () => void;
    metrics: RelayerMetrics;
}

function closeChains(chains: readonly ChainHandle[]): void {
    chains.forEach((c) => c.provider.destroy());
}

// All chains at once; if any fails, close the ones that connected (nothing will use them) and throw its error.
async function connectChains(options: RelayerOptions, relayerWallet: Wallet, policy: RetryPolicy, pollMs: number): Promise<ChainHandle[]> {
    const maxBumps = options.maxFeeBumps ?? 3;
    const fees = maxBumps > 0 ? { afterMs: options.feeBumpAfterMs ?? 20_000, maxBumps } : undefined;
    const connected = await Promise.allSettled(
        options.chains.map((c) =>
            connectChain(c, relayerWallet, policy, { pollMs: Math.min(pollMs, 1000), receiptTimeoutMs: options.receiptTimeoutMs ?? 60_000, fees }),
        ),
    );
    const chains = connected.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failed = connected.find((r) => r.status === "rejected");
    if (failed !== undefined) {
        closeChains(chains);
        throw (failed as PromiseRejectedResult).reason;
    }
    return chains;
}

// The lanes to serve and the saved progress; on failure the connections are closed before the error propagates.
async function loadLanes(
    chains: ChainHandle[],
    attesters: AttesterClient[],
    policy: RetryPolicy,
    stateFile: string,
): Promise<{ lanes: Lane[]; state: RelayerState }> {
    try {
        const lanes = await discoverLanes(chains, attesters, policy);
        if (lanes.length === 0) throw new Error(`no enabled lane between ${chains.map((c) => c.name).join(", ")}`);
        return { lanes, state: loadState(stateFile) };
    } catch (err) {
        closeChains(chains);
        throw err;
    }
}

async function warnUnfunded(chains: readonly ChainHandle[], address: string, policy: RetryPolicy, log: (line: string) => void): Promise<void> {
    for (const chain of chains) {
        // Not fatal (a lane may never need this chain as destination), but the first send would fail.
        const balance = await withRetry(`${chain.where} getBalance`, policy, () => chain.provider.getBalance(address)).catch(() => undefined);
        if (balance === 0n) log(`warning: relayer ${address} has no funds on ${chain.name}; deliveries there will fail`);
    }
}

// The saved cursor only counts for the same router on the same chain: after a redeploy or a chain reset it would skip messages.
function resumeBlock(chain: ChainHandle, state: RelayerState, stateFile: string, log: (line: string) => void): number {
    const saved = state.chains[chain.name];
    const same =
        saved !== undefined && saved.router === chain.routerAddress && saved.chainId === String(chain.chainId) && saved.genesisHash === chain.genesisHash;
    if (saved !== undefined && !same)
        log(`state: ${chain.name} has a new router or was reset since ${stateFile} was written; scanning from block ${chain.startBlock}`);
    return same ? saved.scannedBlock : chain.startBlock - 1;
}

function saveProgress(stateFile: string, scanners: readonly SourceScanner[], lanes: readonly Lane[]): void {
    const next: RelayerState = { version: 1, chains: {}, lanes: {} };
    for (const scanner of scanners) {
        const { chain } = scanner;
        next.chains[chain.name] = {
            chainId: String(chain.chainId),
            router: chain.routerAddress,
            genesisHash: chain.genesisHash,
            scannedBlock: scanner.safeCursor(),
        };
    }
    for (const lane of lanes) next.lanes[lane.name] = { lastDeliveredSequence: String(lane.lastDelivered) };
    saveState(stateFile, next);
}

// Local keys and remote endpoints as one list of attesters; one address configured twice is a mistake.
async function attesterClients(options: RelayerOptions, log: (line: string) => void): Promise<AttesterClient[]> {
    const remote = options.attesters ?? [];
    const clients = [...(options.attesterKeys ?? []).map((k, i) => localAttester(k, i)), ...remote.map((e) => remoteAttester(e))];
    const seen = new Set<string>();
    for (const c of clients) {
        if (seen.has(c.address)) throw new Error(`attester ${c.address} is configured twice`);
        seen.add(c.address);
    }
    // A wrong address or token is a config error (fatal); an attester that is down now only pauses lanes later.
    for (const warning of await Promise.all(remote.map((e) => probeAttester(e)))) if (warning !== undefined) log(`warning: ${warning}`);
    return clients;
}

// Logs how delivery #seq went and settles its waitForDelivery callers.
async function reportDelivery(run: RelayerRun, lane: Lane, seq: bigint, messageId: string, result: DeliveryResult): Promise<void> {
    const outcome = result.kind === "skipped" ? "skipped" : result.success ? "delivered" : "receiver_failed";
    run.metrics.deliveries.inc({ lane: lane.name, outcome });
    if (result.kind === "skipped") {
        // Delivered by an earlier attempt whose answer was lost, or by someone else: read how it went.
        const failedHash = (await withRetry(`${lane.dest.where} getFailedMessageHash`, run.policy, () =>
            lane.dest.router.getFailedMessageHash(messageId),
        )) as string;
        const failed = BigInt(failedHash) !== 0n;
        run.log(
            `skip ${lane.name} #${seq} ${messageId}: already delivered on ${lane.dest.name}${failed ? " (receiver failed; retry with retryFailedMessage)" : ""}`,
        );
        run.waiters.settle(messageId, failed ? { kind: "receiver-failed", detail: "recorded as failed by the router" } : { kind: "executed" });
    } else if (result.success) {
        run.log(`delivered ${lane.name} #${seq} ${messageId} tx ${result.txHash}`);
        run.waiters.settle(messageId, { kind: "executed" });
    } else {
        run.log(
            `delivered ${lane.name} #${seq} ${messageId} tx ${result.txHash}: receiver reverted (${result.returnData}); marked failed on ${lane.dest.name}, retry with retryFailedMessage`,
        );
        run.waiters.settle(messageId, { kind: "receiver-failed", detail: result.returnData });
    }
}

// Delivers the lane's pending messages strictly in sequence until the next one is not scanned yet. A failure
// pauses only this lane (doubling backoff, capped), so the source's other lanes keep moving.
async function serveLane(run: RelayerRun, lane: Lane): Promise<void> {
    if (Date.now() < lane.blockedUntil) return;
    try {
        while (!run.signal.aborted) {
            for (const seq of lane.pending.keys()) if (seq <= lane.lastDelivered) lane.pending.delete(seq);
            const next = lane.lastDelivered + 1n;
            const sent = lane.pending.get(next);
            if (sent === undefined) {
                if (lane.pending.size > 0 && lane.reportedGap !== next) {
                    lane.reportedGap = next;
                    run.log(`lane ${lane.name}: waiting for sequence ${next}, not found in the scanned logs (startBlock too high?)`);
                }
                return;
            }
            const result = await deliverMessage(lane, sent, run.policy, run.deliveryTimeoutMs);
            if (lane.backoffMs > 0) run.log(`lane ${lane.name}: resumed`);
            await reportDelivery(run, lane, next, sent.message.messageId, result);
            lane.lastDelivered = next;
            lane.pending.delete(next);
            lane.backoffMs = 0;
            run.metrics.paused.set({ lane: lane.name }, 0);
            run.metrics.lastDelivered.set({ lane: lane.name }, Number(lane.lastDelivered));
            run.persist();
        }
    } catch (err) {
        if (run.signal.aborted) return;
        if (err instanceof SourceReorged) {
            // Not a failure of the lane: forget what the reorg took and rescan (runSource rewinds the scanner).
            run.log(describe(err));
            run.metrics.reorgs.inc({ chain: lane.source.name });
            lane.rescanFrom = Math.min(lane.rescanFrom ?? Infinity, err.sent.blockNumber);
            return;
        }
        lane.backoffMs = Math.min(run.maxLaneBackoffMs, Math.max(run.pollMs, lane.backoffMs * 2));
        lane.blockedUntil = Date.now() + lane.backoffMs;
        run.metrics.paused.set({ lane: lane.name }, 1);
        if (err instanceof AttestersBelowThreshold || (err as Error).cause instanceof AttestersBelowThreshold) {
            run.metrics.shortfalls.inc({ lane: lane.name });
            run.log(`lane ${lane.name}: paused ${lane.backoffMs} ms, waiting for attesters: ${describe(err)}`);
        } else {
            run.log(`lane ${lane.name}: delivery of #${lane.lastDelivered + 1n} failed, pausing the lane ${lane.backoffMs} ms: ${describe(err)}`);
        }
    }
}

// One source chain's loop until stopped: scan, serve its lanes, save progress; sleep only once caught up.
async function runSource(run: RelayerRun, scanner: SourceScanner): Promise<void> {
    while (!run.signal.aborted) {
        let caughtUp = true;
        try {
            caughtUp = await scanner.scan();
        } catch (err) {
            if (!run.signal.aborted) run.log(`${scanner.chain.name}: scanning failed, will retry: ${describe(err)}`);
        }
        await Promise.all(scanner.lanes.map((lane) => serveLane(run, lane)));
        const rescan = Math.min(...scanner.lanes.map((l) => l.rescanFrom ?? Infinity));
        if (rescan !== Infinity) {
            scanner.rewind(rescan);
            scanner.lanes.forEach((l) => (l.rescanFrom = undefined));
            caughtUp = false;
        }
        for (const lane of scanner.lanes) run.metrics.pending.set({ lane: lane.name }, lane.pending.size);
        run.metrics.scanned.set({ chain: scanner.chain.name }, scanner.safeCursor());
        run.metrics.loopAt.set(scanner.chain.name, Date.now());
        if (!run.signal.aborted) run.persist();
        if (caughtUp) await sleep(run.pollMs, undefined, { signal: run.signal }).catch(() => undefined);
    }
}

export async function startRelayer(options: RelayerOptions): Promise<Relayer> {
    checkOptions(options);
    const log = options.log ?? ((line: string) => console.log(line));
    const abort = new AbortController();
    const policy: RetryPolicy = { retries: options.retries ?? 6, minTimeoutMs: options.retryMinTimeoutMs ?? 200, signal: abort.signal, log };
    const pollMs = options.pollIntervalMs ?? 1000;
    const relayerWallet = parseKey(options.relayerKey, "relayerKey");
    const attesters = await attesterClients(options, log);
    const release = await lockStateFile(options.stateFile, options.lockWaitMs ?? 15_000, (err) =>
        log(`error: lost the lock on ${options.stateFile} (${err.message}); another relayer may be writing it`),
    );

    let chains: ChainHandle[];
    let loaded: { lanes: Lane[]; state: RelayerState };
    try {
        chains = await connectChains(options, relayerWallet, policy, pollMs);
        loaded = await loadLanes(chains, attesters, policy, options.stateFile);
    } catch (err) {
        await release().catch(() => undefined);
        throw err;
    }
    const { lanes, state } = loaded;
    await warnUnfunded(chains, relayerWallet.address, policy, log);

    const waiters = new DeliveryWaiters();
    const scanners = chains.map(
        (chain) =>
            new SourceScanner(
                chain,
                lanes.filter((l) => l.source === chain),
                resumeBlock(chain, state, options.stateFile, log),
                {
                    policy,
                    maxRange: options.maxBlockRange ?? 1000,
                    stateFile: options.stateFile,
                    onAlreadyDelivered: (id) => waiters.settle(id, { kind: "executed" }),
                },
            ),
    );
    const persist = (): void => saveProgress(options.stateFile, scanners, lanes);
    persist();
    const metrics = new RelayerMetrics();
    for (const lane of lanes) metrics.lastDelivered.set({ lane: lane.name }, Number(lane.lastDelivered));
    const sources = scanners.filter((sc) => sc.lanes.length > 0);
    let http: Server | undefined;
    if (options.httpPort !== undefined) {
        // A source loop goes round at least every poll, or within its longest bounded delivery: stale beyond that.
        const staleMs = Math.max(10 * pollMs, 30_000) + (options.deliveryTimeoutMs ?? DELIVERY_TIMEOUT_MS);
        sources.forEach((sc) => metrics.loopAt.set(sc.chain.name, Date.now()));
        http = await serveMetrics(
            metrics,
            sources.map((sc) => sc.chain.name),
            staleMs,
            options.httpHost ?? "127.0.0.1",
            options.httpPort,
        );
    }
    const address = http?.address();
    const httpUrl = address !== undefined && address !== null && typeof address !== "string" ? `http://${address.address}:${address.port}` : undefined;
    const run: RelayerRun = {
        signal: abort.signal,
        policy,
        pollMs,
        deliveryTimeoutMs: options.deliveryTimeoutMs ?? DELIVERY_TIMEOUT_MS,
        maxLaneBackoffMs: options.maxLaneBackoffMs ?? MAX_LANE_BACKOFF_MS,
        log,
        waiters,
        persist,
        metrics,
    };

    log(
        `relayer ${relayerWallet.address} serving ${lanes.map((l) => `${l.name} (threshold ${l.threshold}, ${l.attesters.length} attesters, next #${l.lastDelivered + 1n})`).join(", ")}`,
    );
    const loops = sources.map((sc) => runSource(run, sc));
    let stopped: Promise<void> | undefined;

    return {
        stop: () => {
            stopped ??= (async () => {
                abort.abort(new Error("relayer stopped"));
                await Promise.allSettled(loops);
                waiters.close("relayer stopped before it was delivered");
                closeChains(chains);
                if (http !== undefined) {
                    const server = http;
                    await new Promise<void>((resolve) => {
                        server.close(() => resolve());
                        server.closeAllConnections();
                    });
                }
                await release().catch((err: unknown) => log(`state lock: release failed: ${describe(err)}`));
            })();
            return stopped;
        },
        waitForDelivery: (messageId, timeoutMs) => waiters.wait(messageId, timeoutMs),
        httpUrl,
    };
}
