// A stack of the operator's own clusters (`chain138:clusters`) for the mock-runtime tests: the dev stack's file (no AKS
// regions) without its contract chains, plus two clusters published by NodePort.
import type { RunOptions } from "../../devkit/mock-program";
import { TEST_DEPLOYER_KEY } from "../../devkit/mock-program";

/** A kubeconfig-shaped credential; tests assert it never appears in plain text anywhere. */
export const OWN_CLUSTERS_KUBECONFIG = [
    "apiVersion: v1",
    "kind: Config",
    "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]",
    "users: [{name: u, user: {token: own-cluster-token-0f9e8d7c6b5a}}]",
    "contexts: [{name: c, context: {cluster: c, user: u}}]",
    "current-context: c",
].join("\n");

/** A region's NodePort `nodes`: its three Besu nodes pinned to Kubernetes nodes `<region>-<i>` at `<prefix>.<10+i>`. */
export function pinnedNodes(region: string, prefix: string): { host: string; address: string }[] {
    return [0, 1, 2].map((i) => ({ host: `${region}-${i}`, address: `${prefix}.${10 + i}` }));
}

/** Two clusters (`alpha`, `beta`), NodePorts from 30303 and 31000, each Besu node pinned to its own Kubernetes node. */
export const TWO_NODEPORT_CLUSTERS: Record<string, unknown> = {
    alpha: { kubeconfig: OWN_CLUSTERS_KUBECONFIG, p2p: { service: "NodePort", nodes: pinnedNodes("alpha", "192.0.2") } },
    beta: {
        kubeconfig: OWN_CLUSTERS_KUBECONFIG,
        p2p: { service: "NodePort", nodes: pinnedNodes("beta", "198.51.100"), firstPort: 31000 },
        storageClass: "fast",
    },
};

/** Run options of the own-clusters stack: `clusters` set as a secret, as `pulumi config set --secret --path` does. */
export function ownClustersStack(change: { clusters?: Record<string, unknown>; overrides?: Record<string, unknown> } = {}): RunOptions {
    return {
        stack: "dev",
        remove: ["chain138:chains", "chain138:ccip"],
        overrides: change.overrides,
        secrets: { deployerKey: TEST_DEPLOYER_KEY, clusters: JSON.stringify(change.clusters ?? TWO_NODEPORT_CLUSTERS) },
    };
}
