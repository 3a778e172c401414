// A fake fleet for `npm run fleet` tests: one fake HTTPS API server per region (fake-kube-api.ts), a self-signed
// CA made with openssl, a fake kubelogin exec plugin, kubeconfigs and a stack outputs file like fleetOutputs writes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runFleetCli } from "../../ops/fleet/cli";
import { FakeCluster, kubeconfigYaml, makeCertificate, writeExecPlugin, type FakeChain, type FakeFailure, type FakeNode } from "./fake-kube-api";
import { fixtureStackOutputs } from "./stack-outputs-fixture";

/** The address the fake fleet gives its i-th validator (fleet order). */
export function fakeValidatorAddress(i: number): string {
    return `0x${(i + 1).toString(16).padStart(40, "0")}`;
}

export interface RegionSpec {
    name: string;
    validators?: number;
    sentries?: number;
    /** `refused`: nothing listens on the region's API port. */
    failure?: FakeFailure | "refused";
}

export interface FleetRun {
    code: number;
    out: string[];
    err: string[];
}

/** A running fake fleet. `run` adds `-s test --outputs <file>` to the arguments. */
export interface FakeFleet {
    regions: string[];
    /** The chain behind every region (validator set, votes cast). */
    chain: FakeChain;
    clusters: Map<string, FakeCluster>;
    outputsFile: string;
    dir: string;
    /** Lines the exec plugin logged, one per run. */
    execRuns(): string[];
    run(argv: string[]): Promise<FleetRun>;
    close(): Promise<void>;
}

/** Starts one fake API server per region (2 validators and 1 sentry each unless told), all running and ready. */
export async function startFakeFleet(
    specs: RegionSpec[],
    options: { sameLogin?: boolean; onChainValidators?: number; validatorChanges?: { add: string[]; remove: string[] } } = {},
): Promise<FakeFleet> {
    const chain: FakeChain = { validators: [], votes: [] };
    const dir = mkdtempSync(path.join(tmpdir(), "fleet-test-"));
    const tls = makeCertificate(dir, "fake-aks");
    const plugin = writeExecPlugin(dir);
    const execLog = path.join(dir, "exec.log");
    writeFileSync(execLog, "");
    const clusters = new Map<string, FakeCluster>();
    const kubeconfigs: Record<string, string> = {};
    try {
        for (const spec of specs) {
            const nodes: FakeNode[] = [];
            for (let i = 0; i < (spec.validators ?? 2); i++)
                nodes.push({ name: `${spec.name}-validator-${i}`, role: "validator", replicas: 1, ready: true, blockNumber: 1000 + i, peers: 7 });
            for (let i = 0; i < (spec.sentries ?? 1); i++)
                nodes.push({ name: `${spec.name}-sentry-${i}`, role: "sentry", replicas: 1, ready: true, blockNumber: 1000, peers: 9 });
            // Per-region tokens by default; `sameLogin` gives every kubeconfig the same exec user, as AKS does.
            const token = options.sameLogin ? "token-fleet" : `token-${spec.name}`;
            const cluster = new FakeCluster(spec.name, token, nodes);
            cluster.chain = chain;
            await cluster.start(tls);
            if (spec.failure === "refused") await cluster.close();
            else if (spec.failure !== undefined) cluster.failure = spec.failure;
            clusters.set(spec.name, cluster);
            kubeconfigs[spec.name] = kubeconfigYaml(spec.name, cluster.url, tls.cert, plugin, { FAKE_TOKEN: token, FAKE_EXEC_LOG: execLog });
        }
    } catch (error) {
        for (const cluster of clusters.values()) await cluster.close();
        rmSync(dir, { recursive: true, force: true });
        throw error;
    }
    // The admin region has a kubeconfig but no Besu: never a target.
    kubeconfigs.westeurope = kubeconfigYaml("westeurope", "https://127.0.0.1:1", tls.cert, plugin, {});
    const outputs = fixtureStackOutputs(
        specs.map((spec) => ({ name: spec.name, validators: spec.validators ?? 2, sentries: spec.sentries ?? 1 })),
        { validatorAddress: (_node, index) => fakeValidatorAddress(index), kubeconfigs, validatorChanges: options.validatorChanges },
    );
    const validatorNodes = outputs.besu.validatorNodes;
    const validatorCount = outputs.besu.validatorAddresses.length;
    chain.validators = Object.values(validatorNodes).slice(0, options.onChainValidators ?? validatorCount);
    const outputsFile = path.join(dir, "outputs.json");
    writeFileSync(outputsFile, JSON.stringify(outputs, null, 2));
    return {
        regions: specs.map((spec) => spec.name),
        chain,
        clusters,
        outputsFile,
        dir,
        execRuns: () =>
            readFileSync(execLog, "utf8")
                .split("\n")
                .filter((line) => line !== ""),
        run: async (argv) => {
            const out: string[] = [];
            const err: string[] = [];
            const code = await runFleetCli([...argv, "-s", "test", "--outputs", outputsFile], { out: (line) => out.push(line), err: (line) => err.push(line) });
            return { code, out, err };
        },
        close: async () => {
            for (const cluster of clusters.values()) await cluster.close();
            rmSync(dir, { recursive: true, force: true });
        },
    };
}
