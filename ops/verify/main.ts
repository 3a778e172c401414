// `npm run verify`: checks every deployed region (bounded parallelism) and the contract suite, prints one
// block per region in region order, a summary, or --json; exit code 1 on any failed check.
import pLimit from "p-limit";
import { parseVerifyArgs, VERIFY_USAGE, type VerifyArgs } from "./args";
import { checkChain, routerSelectors, type ChainSuite } from "./contract-checks";
import { KubeCredentials, podProxyPath, serviceProxyPath } from "../shared/kube-client";
import { openKubeProbe, VERIFY_KUBE_OPTIONS, type KubernetesProbe } from "./kube-probe";
import { loadOutputs, type VerifyOutputs } from "./outputs";
import { BESU_NAMESPACE, BESU_RPC_PORT, BESU_RPC_SERVICE, besuPodName } from "../../stack/names";
import { checkRegion, lagChecks, type NodeHead, type NodeTarget, type RegionPlan } from "./region-checks";
import { group, renderText, type CheckGroup, type VerifyReport } from "./report";
import { httpRpc, kubeProxyRpc } from "./rpc";

/** Where output goes (tests capture it). */
export interface VerifyIo {
    out(text: string): void;
    err(text: string): void;
}

/** Replaceable parts (tests): how a region's kubeconfig becomes a probe. */
export interface VerifyDeps {
    openProbe?: (region: string, kubeconfigYaml: string, args: VerifyArgs) => Promise<KubernetesProbe>;
}

/** Probes through the shared Kubernetes client; the regions of one run share its exec credentials (one login). */
function defaultOpenProbe(): NonNullable<VerifyDeps["openProbe"]> {
    const credentials = new KubeCredentials(VERIFY_KUBE_OPTIONS.execTimeoutMs);
    return async (region, kubeconfigYaml, args) => openKubeProbe(region, kubeconfigYaml, args.timeoutMs, credentials);
}

/** Checks the --rpc keys name deployed regions or their validators; the error names the culprit. */
function checkRpcKeys(args: VerifyArgs, outputs: VerifyOutputs, regions: readonly string[]): void {
    for (const key of args.rpc.keys()) {
        if (regions.includes(key)) continue;
        const match = /^(.+)-validator-(\d+)$/.exec(key);
        if (match && regions.includes(match[1]) && Number(match[2]) < outputs.nodeCounts[match[1]].validators) continue;
        throw new Error(`--rpc ${key}: not a checked region or validator (regions: ${regions.join(", ")}; validators are <region>-validator-<i>)`);
    }
}

function nodeTargets(region: string, outputs: VerifyOutputs, args: VerifyArgs, probe: KubernetesProbe | undefined): NodeTarget[] {
    const nodes: NodeTarget[] = [];
    for (let i = 0; i < outputs.nodeCounts[region].validators; i++) {
        const name = `${region}-validator-${i}`;
        const url = args.rpc.get(name);
        // Validators have no Service: reach the pod (StatefulSet besu-<node>, pod <that>-0) through the pod proxy.
        const endpoint = url ? httpRpc(url) : probe && kubeProxyRpc(probe, podProxyPath(BESU_NAMESPACE, besuPodName(name), BESU_RPC_PORT));
        nodes.push({ name, role: "validator", endpoint });
    }
    if (outputs.nodeCounts[region].sentries > 0) {
        const url = args.rpc.get(region);
        const endpoint = url ? httpRpc(url) : probe && kubeProxyRpc(probe, serviceProxyPath(BESU_NAMESPACE, BESU_RPC_SERVICE, BESU_RPC_PORT));
        nodes.push({ name: `${region} rpc`, role: "rpc", endpoint });
    }
    return nodes;
}

async function verifyRegion(
    region: string,
    outputs: VerifyOutputs,
    args: VerifyArgs,
    deps: Required<VerifyDeps>,
    heads: NodeHead[],
): Promise<{ plan: RegionPlan; checks: CheckGroup["checks"] }> {
    const kubeconfig = outputs.kubeconfigs[region];
    let probe: KubernetesProbe | undefined;
    let noProbeReason: string | undefined = kubeconfig === undefined ? `no kubeconfig for ${region} in the stack outputs` : undefined;
    if (kubeconfig !== undefined) {
        try {
            probe = await deps.openProbe(region, kubeconfig, args);
        } catch (error) {
            noProbeReason = (error as Error).message;
        }
    }
    try {
        const counts = outputs.nodeCounts[region];
        const plan: RegionPlan = {
            region,
            probe,
            noProbeReason,
            // No kubeconfig is fine when every node has an --rpc route; a kubeconfig that fails never is.
            noProbeFails: kubeconfig !== undefined || !args.rpc.has(region),
            expectedPods: counts.validators + counts.sentries,
            regionValidators: counts.validators,
            nodes: nodeTargets(region, outputs, args, probe),
        };
        const settings = { validators: outputs.validatorAddresses, pendingVotes: outputs.validatorChanges, timeoutMs: args.timeoutMs, sampleMs: args.sampleMs };
        return { plan, checks: await checkRegion(plan, settings, heads) };
    } finally {
        await probe?.close();
    }
}

async function verifyContracts(outputs: VerifyOutputs, args: VerifyArgs): Promise<CheckGroup[]> {
    const contracts = outputs.contracts ?? {};
    const suites: ChainSuite[] = Object.entries(contracts).map(([chain, addresses]) => {
        const url = args.chainRpc.get(chain);
        return { chain, addresses, endpoint: url === undefined ? undefined : httpRpc(url) };
    });
    const selectors = await routerSelectors(suites, args.timeoutMs);
    const results = await Promise.all(suites.map((s) => checkChain(s, suites, selectors, args.timeoutMs)));
    return suites.map((s, i) => group(s.chain, results[i]));
}

/** Builds the report (no printing). */
export async function buildReport(outputs: VerifyOutputs, args: VerifyArgs, deps: VerifyDeps = {}): Promise<VerifyReport> {
    const regions = args.regions.length > 0 ? args.regions : outputs.regions;
    const unknown = regions.filter((r) => !outputs.regions.includes(r));
    if (unknown.length > 0) throw new Error(`--region ${unknown.join(", ")}: not deployed in this stack (deployed: ${outputs.regions.join(", ")})`);
    checkRpcKeys(args, outputs, regions);
    for (const chain of args.chainRpc.keys()) {
        if (outputs.contracts?.[chain] === undefined) throw new Error(`--chain-rpc ${chain}: the stack exports no contracts for that chain`);
    }

    const limit = pLimit(args.concurrency);
    const heads: NodeHead[] = [];
    const regionDeps: Required<VerifyDeps> = { openProbe: deps.openProbe ?? defaultOpenProbe() };
    // Contracts run beside the regions; results are collected per region and ordered below, never streamed.
    const [regionResults, contracts] = await Promise.all([
        Promise.all(regions.map((region) => limit(() => verifyRegion(region, outputs, args, regionDeps, heads)))),
        verifyContracts(outputs, args),
    ]);
    const fleetHead = heads.length === 0 ? null : Math.max(...heads.map((h) => h.head));
    const regionGroups = regionResults.map(({ plan, checks }) => group(plan.region, [...checks, ...lagChecks(plan.nodes, heads, fleetHead, args.maxLag)]));
    return {
        stack: args.stack,
        ok: regionGroups.every((g) => g.ok) && contracts.every((g) => g.ok),
        fleetHead,
        regions: regionGroups,
        contracts,
    };
}

/** Runs the CLI; returns the exit code (0 all passed, 1 a check failed, 2 bad usage or unreadable outputs). */
export async function runVerify(argv: readonly string[], io: VerifyIo, deps: VerifyDeps = {}): Promise<number> {
    let args: VerifyArgs;
    try {
        args = parseVerifyArgs(argv);
    } catch (error) {
        io.err(`verify: ${(error as Error).message}\n${VERIFY_USAGE}`);
        return 2;
    }
    if (args.help) {
        io.out(VERIFY_USAGE);
        return 0;
    }
    let report: VerifyReport;
    try {
        const outputs = await loadOutputs(args.stack, args.outputs);
        report = await buildReport(outputs, args, deps);
        if (outputs.contracts === undefined && !args.json) io.err("verify: the stack exports no contract addresses; contract checks skipped");
    } catch (error) {
        io.err(`verify: ${(error as Error).message}`);
        return 2;
    }
    io.out(args.json ? JSON.stringify(report, null, 2) : renderText(report));
    return report.ok ? 0 : 1;
}
