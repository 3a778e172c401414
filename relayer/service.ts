// The relayer: one loop per source chain scans its router's send events (scanner.ts), delivers
// each of its lanes' messages strictly in sequence order (deliver.ts) and saves progress.
import { setTimeout as sleep } from "node:timers/promises";
import { Wallet } from "ethers";
import { connectChain } from "./chain";
import { deliverMessage } from "./deliver";
import { discoverLanes, type Lane } from "./lanes";
import { describe, withRetry, type RetryPolicy } from "./retry";
import { SourceScanner } from "./scanner";
import { loadState, saveState, type RelayerState } from "./state";
import type { Relayer, RelayerOptions } from "./types";
import { DeliveryWaiters } from "./waiters";

/** Longest pause of a lane that keeps failing. */
const MAX_LANE_BACKOFF_MS = 60_000;

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
  const names = new Set<string>();
  const selectors = new Set<bigint>();
  for (const c of options.chains) {
    if (names.has(c.name)) throw new Error(`chain name ${c.name} is configured twice`);
    if (selectors.has(c.chainSelector)) throw new Error(`chain ${c.name}: chain selector ${c.chainSelector} is configured twice`);
    names.add(c.name);
    selectors.add(c.chainSelector);
  }
}

export async function startRelayer(options: RelayerOptions): Promise<Relayer> {
  checkOptions(options);
  const log = options.log ?? ((line: string) => console.log(line));
  const abort = new AbortController();
  const policy: RetryPolicy = { retries: options.retries ?? 6, minTimeoutMs: options.retryMinTimeoutMs ?? 200, signal: abort.signal, log };
  const pollMs = options.pollIntervalMs ?? 1000;
  const relayerWallet = parseKey(options.relayerKey, "relayerKey");
  const attesters = [...new Map(options.attesterKeys.map((k, i) => parseKey(k, `attesterKeys[${i}]`)).map((w) => [w.address, w])).values()];

  const connected = await Promise.allSettled(
    options.chains.map((c) => connectChain(c, relayerWallet, policy, { pollMs: Math.min(pollMs, 1000), receiptTimeoutMs: options.receiptTimeoutMs ?? 60_000 })),
  );
  const chains = connected.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const closeAll = (): void => chains.forEach((c) => c.provider.destroy());
  const failed = connected.find((r) => r.status === "rejected");
  if (failed !== undefined) {
    closeAll();
    throw (failed as PromiseRejectedResult).reason;
  }

  let lanes: Lane[];
  let state: RelayerState;
  try {
    lanes = await discoverLanes(chains, attesters, policy);
    if (lanes.length === 0) throw new Error(`no enabled lane between ${chains.map((c) => c.name).join(", ")}`);
    state = loadState(options.stateFile);
  } catch (err) {
    closeAll();
    throw err;
  }

  for (const chain of chains) {
    // Not fatal (a lane may never need this chain as destination), but the first send would fail.
    const balance = await withRetry(`${chain.name} getBalance`, policy, () => chain.provider.getBalance(relayerWallet.address)).catch(() => undefined);
    if (balance === 0n) log(`warning: relayer ${relayerWallet.address} has no funds on ${chain.name}; deliveries there will fail`);
  }

  const waiters = new DeliveryWaiters();
  const scanners = chains.map((chain) => {
    const saved = state.chains[chain.name];
    const same = saved !== undefined && saved.router === chain.routerAddress && saved.chainId === String(chain.chainId) && saved.genesisHash === chain.genesisHash;
    if (saved !== undefined && !same) log(`state: ${chain.name} has a new router or was reset since ${options.stateFile} was written; scanning from block ${chain.startBlock}`);
    return new SourceScanner(chain, lanes.filter((l) => l.source === chain), same ? saved.scannedBlock : chain.startBlock - 1, {
      policy,
      maxRange: options.maxBlockRange ?? 1000,
      stateFile: options.stateFile,
      onAlreadyDelivered: (id) => waiters.settle(id, { kind: "executed" }),
    });
  });

  const persist = (): void => {
    const next: RelayerState = { version: 1, chains: {}, lanes: {} };
    for (const scanner of scanners) {
      const { chain } = scanner;
      next.chains[chain.name] = { chainId: String(chain.chainId), router: chain.routerAddress, genesisHash: chain.genesisHash, scannedBlock: scanner.safeCursor() };
    }
    for (const lane of lanes) next.lanes[lane.name] = { lastDeliveredSequence: String(lane.lastDelivered) };
    saveState(options.stateFile, next);
  };
  persist();

  async function serveLane(lane: Lane): Promise<void> {
    if (Date.now() < lane.blockedUntil) return;
    try {
      while (!abort.signal.aborted) {
        for (const seq of lane.pending.keys()) if (seq <= lane.lastDelivered) lane.pending.delete(seq);
        const next = lane.lastDelivered + 1n;
        const sent = lane.pending.get(next);
        if (sent === undefined) {
          if (lane.pending.size > 0 && lane.reportedGap !== next) {
            lane.reportedGap = next;
            log(`lane ${lane.name}: waiting for sequence ${next}, not found in the scanned logs (startBlock too high?)`);
          }
          return;
        }
        const result = await deliverMessage(lane, sent, policy);
        const { messageId } = sent.message;
        if (result.kind === "skipped") {
          // Delivered by an earlier attempt whose answer was lost, or by someone else: read how it went.
          const failedHash = (await withRetry(`${lane.dest.name} getFailedMessageHash`, policy, () => lane.dest.router.getFailedMessageHash(messageId))) as string;
          const failed = BigInt(failedHash) !== 0n;
          log(`skip ${lane.name} #${next} ${messageId}: already delivered on ${lane.dest.name}${failed ? " (receiver failed; retry with retryFailedMessage)" : ""}`);
          waiters.settle(messageId, failed ? { kind: "receiver-failed", detail: "recorded as failed by the router" } : { kind: "executed" });
        } else if (result.success) {
          log(`delivered ${lane.name} #${next} ${messageId} tx ${result.txHash}`);
          waiters.settle(messageId, { kind: "executed" });
        } else {
          log(`delivered ${lane.name} #${next} ${messageId} tx ${result.txHash}: receiver reverted (${result.returnData}); marked failed on ${lane.dest.name}, retry with retryFailedMessage`);
          waiters.settle(messageId, { kind: "receiver-failed", detail: result.returnData });
        }
        lane.lastDelivered = next;
        lane.pending.delete(next);
        lane.backoffMs = 0;
        persist();
      }
    } catch (err) {
      if (abort.signal.aborted) return;
      lane.backoffMs = Math.min(MAX_LANE_BACKOFF_MS, Math.max(pollMs, lane.backoffMs * 2));
      lane.blockedUntil = Date.now() + lane.backoffMs;
      log(`lane ${lane.name}: delivery of #${lane.lastDelivered + 1n} failed, pausing the lane ${lane.backoffMs} ms: ${describe(err)}`);
    }
  }

  async function runSource(scanner: SourceScanner): Promise<void> {
    while (!abort.signal.aborted) {
      let caughtUp = true;
      try {
        caughtUp = await scanner.scan();
      } catch (err) {
        if (!abort.signal.aborted) log(`${scanner.chain.name}: scanning failed, will retry: ${describe(err)}`);
      }
      await Promise.all(scanner.lanes.map(serveLane));
      if (!abort.signal.aborted) persist();
      if (caughtUp) await sleep(pollMs, undefined, { signal: abort.signal }).catch(() => undefined);
    }
  }

  log(
    `relayer ${relayerWallet.address} serving ${lanes.map((l) => `${l.name} (threshold ${l.threshold}, ${l.signers.length} signers, next #${l.lastDelivered + 1n})`).join(", ")}`,
  );
  const loops = scanners.filter((sc) => sc.lanes.length > 0).map(runSource);
  let stopped: Promise<void> | undefined;

  return {
    stop: () => {
      stopped ??= (async () => {
        abort.abort(new Error("relayer stopped"));
        await Promise.allSettled(loops);
        waiters.close("relayer stopped before it was delivered");
        closeAll();
      })();
      return stopped;
    },
    waitForDelivery: (messageId, timeoutMs) => waiters.wait(messageId, timeoutMs),
  };
}

