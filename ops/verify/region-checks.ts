// The checks of one region: Kubernetes API, Besu pods, and per node peers, validator set and head.
import { BESU_NAMESPACE, BESU_SELECTOR } from "../../stack/names";
import type { KubernetesProbe } from "./kube-probe";
import type { CheckResult } from "./report";
import { quantity, type RpcEndpoint } from "./rpc";

/** One JSON-RPC target of a region: a validator pod, or the region's RPC service (`rpc`, served by sentries). */
export interface NodeTarget {
    /** `<region>-validator-<i>`, or `<region> rpc` for the RPC service. */
    name: string;
    role: "validator" | "rpc";
    /** How to reach it; undefined when neither --rpc nor a kubeconfig gives a route. */
    endpoint?: RpcEndpoint;
}

/** What one region is checked against. */
export interface RegionPlan {
    region: string;
    /** The region's API server, when the stack has its kubeconfig. */
    probe?: KubernetesProbe;
    /** Why there is no probe (shown when `probe` is undefined). */
    noProbeReason?: string;
    /** Whether a missing probe fails the Kubernetes checks (a kubeconfig that did not work) or skips them (none, with --rpc routes). */
    noProbeFails: boolean;
    /** Pods expected ready in namespace `besu`: the region's validators and sentries. */
    expectedPods: number;
    /** Validators of this region (a sentry's static peers). */
    regionValidators: number;
    nodes: NodeTarget[];
}

/** Fleet-wide expectations and limits. */
export interface CheckSettings {
    /** The configured validator set (lower-case): the genesis set, or what the pending votes lead to. */
    validators: readonly string[];
    /** Validators QBFT votes still have to add and remove against the launched genesis (besu.validatorChanges). */
    pendingVotes: { add: readonly string[]; remove: readonly string[] };
    /** Per JSON-RPC / API call. */
    timeoutMs: number;
    /** Pause between the two eth_blockNumber samples. */
    sampleMs: number;
}

/** A node's head after the two samples, for the fleet-lag check run once every region is done. */
export interface NodeHead {
    name: string;
    head: number;
}

function pass(name: string, detail: string): CheckResult {
    return { name, status: "pass", detail };
}
function fail(name: string, detail: string): CheckResult {
    return { name, status: "fail", detail };
}

/** Runs `body`; a thrown error becomes a failed check named `name`. */
async function check(name: string, body: () => Promise<CheckResult>): Promise<CheckResult> {
    try {
        return await body();
    } catch (error) {
        return fail(name, (error as Error).message);
    }
}

function noProbe(name: string, plan: RegionPlan): CheckResult {
    return { name, status: plan.noProbeFails ? "fail" : "skip", detail: plan.noProbeReason ?? "no kubeconfig" };
}

async function apiReachable(plan: RegionPlan, settings: CheckSettings): Promise<CheckResult> {
    const name = "kubernetes api";
    if (plan.probe === undefined) return noProbe(name, plan);
    const probe = plan.probe;
    return check(name, async () => {
        const body = (await probe.get("/readyz", settings.timeoutMs)).trim();
        return body === "ok" ? pass(name, "/readyz ok") : fail(name, `/readyz answered ${JSON.stringify(body.slice(0, 80))}, expected "ok"`);
    });
}

interface PodList {
    items?: { metadata?: { name?: string }; status?: { phase?: string; conditions?: { type?: string; status?: string }[] } }[];
}

async function podsReady(plan: RegionPlan, settings: CheckSettings): Promise<CheckResult> {
    const name = "besu pods ready";
    if (plan.probe === undefined) return noProbe(name, plan);
    const probe = plan.probe;
    return check(name, async () => {
        // Only the chart's pods: anything else in the namespace (a log shipper, a debug pod) is not a Besu node.
        const query = new URLSearchParams({ labelSelector: BESU_SELECTOR });
        const list = JSON.parse(await probe.get(`/api/v1/namespaces/${BESU_NAMESPACE}/pods?${query}`, settings.timeoutMs)) as PodList;
        const pods = list.items ?? [];
        const isReady = (p: (typeof pods)[number]) => (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
        const ready = pods.filter(isReady).length;
        const notReady = pods.filter((p) => !isReady(p)).map((p) => `${p.metadata?.name ?? "?"} (${p.status?.phase ?? "unknown"})`);
        const detail = `${ready}/${plan.expectedPods} ready in namespace ${BESU_NAMESPACE}${notReady.length ? `; not ready: ${notReady.join(", ")}` : ""}`;
        return ready >= plan.expectedPods ? pass(name, detail) : fail(name, detail);
    });
}

/** Peers a node must have: validators connect to every other validator (QBFT full mesh); the RPC sentry to its region's validators. */
export function expectedPeers(role: NodeTarget["role"], totalValidators: number, regionValidators: number): { min: number; why: string } {
    return role === "validator" ? { min: totalValidators - 1, why: "every other validator" } : { min: regionValidators, why: "its region's validators" };
}

async function peers(node: NodeTarget, endpoint: RpcEndpoint, plan: RegionPlan, settings: CheckSettings): Promise<CheckResult> {
    const name = `${node.name} peers`;
    return check(name, async () => {
        const count = quantity(await endpoint.call("net_peerCount", [], settings.timeoutMs), "net_peerCount");
        const { min, why } = expectedPeers(node.role, settings.validators.length, plan.regionValidators);
        const detail = `${count} peers, expected ≥ ${min} (${why})`;
        return count >= min ? pass(name, detail) : fail(name, detail);
    });
}

async function validatorSet(node: NodeTarget, endpoint: RpcEndpoint, settings: CheckSettings): Promise<CheckResult> {
    const name = `${node.name} validators`;
    return check(name, async () => {
        const result = await endpoint.call("qbft_getValidatorsByBlockNumber", ["latest"], settings.timeoutMs);
        if (!Array.isArray(result) || !result.every((a) => typeof a === "string")) {
            return fail(name, `qbft_getValidatorsByBlockNumber returned ${JSON.stringify(result).slice(0, 100)}, not a list of addresses`);
        }
        const actual = new Set(result.map((a) => a.toLowerCase()));
        const expected = new Set(settings.validators);
        const missing = [...expected].filter((a) => !actual.has(a));
        const extra = [...actual].filter((a) => !expected.has(a));
        if (missing.length === 0 && extra.length === 0) return pass(name, `${actual.size} validators = configured set`);
        const parts = [`${actual.size} validators at latest, the stack configures ${expected.size}`];
        if (missing.length) parts.push(`missing ${missing.join(", ")}`);
        if (extra.length) parts.push(`not configured ${extra.join(", ")}`);
        // A key rotation or a new region changes the set by QBFT votes (`npm run fleet -- votes`), not by genesis.
        const { add, remove } = settings.pendingVotes;
        if (missing.every((a) => add.includes(a)) && extra.every((a) => remove.includes(a)))
            parts.push("these are the pending votes of besu.validatorChanges: run `npm run fleet -- votes --apply`");
        return fail(name, parts.join("; "));
    });
}

async function headAdvancing(node: NodeTarget, endpoint: RpcEndpoint, settings: CheckSettings, heads: NodeHead[]): Promise<CheckResult> {
    const name = `${node.name} head`;
    return check(name, async () => {
        const first = quantity(await endpoint.call("eth_blockNumber", [], settings.timeoutMs), "eth_blockNumber");
        await new Promise((resolve) => setTimeout(resolve, settings.sampleMs));
        const second = quantity(await endpoint.call("eth_blockNumber", [], settings.timeoutMs), "eth_blockNumber");
        heads.push({ name: node.name, head: second });
        const detail = `block ${first} → ${second} in ${settings.sampleMs} ms`;
        return second > first ? pass(name, `${detail}, advancing`) : fail(name, `${detail}: not advancing`);
    });
}

async function nodeChecks(node: NodeTarget, plan: RegionPlan, settings: CheckSettings, heads: NodeHead[]): Promise<CheckResult[]> {
    const endpoint = node.endpoint;
    if (endpoint === undefined) {
        return [fail(`${node.name} rpc`, `no route: give --rpc ${node.role === "rpc" ? plan.region : node.name}=<url> or a kubeconfig for ${plan.region}`)];
    }
    const checks = [peers(node, endpoint, plan, settings), headAdvancing(node, endpoint, settings, heads)];
    // The QBFT API is enabled on validators only (chart rpc.validatorApis).
    if (node.role === "validator") checks.push(validatorSet(node, endpoint, settings));
    return Promise.all(checks);
}

/**
 * Runs every check of one region concurrently and returns them in a fixed order (independent of which
 * answers first); node heads go to `heads` for {@link lagChecks}.
 */
export async function checkRegion(plan: RegionPlan, settings: CheckSettings, heads: NodeHead[]): Promise<CheckResult[]> {
    const groups = await Promise.all([
        apiReachable(plan, settings).then((c) => [c]),
        podsReady(plan, settings).then((c) => [c]),
        ...plan.nodes.map((node) => nodeChecks(node, plan, settings, heads)),
    ]);
    return groups.flat();
}

/** `<node> lag` checks: each node's head within `maxLag` blocks of the fleet head. */
export function lagChecks(nodes: readonly NodeTarget[], heads: readonly NodeHead[], fleetHead: number | null, maxLag: number): CheckResult[] {
    const out: CheckResult[] = [];
    for (const node of nodes) {
        const mine = heads.find((h) => h.name === node.name);
        if (mine === undefined || fleetHead === null) continue; // its head check already failed
        const behind = fleetHead - mine.head;
        const detail = `${behind} blocks behind fleet head ${fleetHead} (max ${maxLag})`;
        out.push({ name: `${node.name} lag`, status: behind <= maxLag ? "pass" : "fail", detail });
    }
    return out;
}
