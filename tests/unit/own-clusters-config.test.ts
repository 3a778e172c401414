// `chain138:clusters` (config/own-clusters.ts): every bad own-cluster config stops the real program with a message naming
// the culprit, before any resource exists, and a kubeconfig is never accepted in plain text.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { RunOptions, runFailingProgram, TEST_DEPLOYER_KEY } from "../../devkit/mock-program";
import { OWN_CLUSTERS_KUBECONFIG, ownClustersStack, pinnedNodes } from "../support/own-clusters";

async function rejected(options: RunOptions): Promise<string> {
    const { error, resources } = await runFailingProgram(options);
    assert.equal(resources.length, 0, `registered ${resources.map((r) => r.name).join(", ")} before failing`);
    assert.ok(pulumi.RunError.isInstance(error), `expected a RunError (clean exit), got ${error.constructor.name}: ${error.message}`);
    assert.ok(!error.message.includes(OWN_CLUSTERS_KUBECONFIG), "the message quotes a kubeconfig");
    return error.message;
}

const cluster = (p2p: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ kubeconfig: OWN_CLUSTERS_KUBECONFIG, p2p, ...extra });

describe("own clusters: bad config is refused before any resource", () => {
    it("kubeconfigs in plain text", async () => {
        const options = ownClustersStack();
        const clusters = options.secrets!["clusters"];
        const message = await rejected({ ...options, secrets: { deployerKey: TEST_DEPLOYER_KEY }, overrides: { clusters: JSON.parse(clusters) } });
        assert.match(message, /chain138:clusters holds kubeconfigs .* stored in plain text; set them with `pulumi config set --secret --path/);
    });

    it("AKS regions and own clusters in one stack", async () => {
        const message = await rejected(ownClustersStack({ overrides: { regions: ["eastus", "westus2"] } }));
        assert.match(message, /chain138:clusters and chain138:regions are both set/);
    });

    it("fewer than 4 validators (QBFT tolerates no fault below 3f+1 = 4)", async () => {
        const message = await rejected(ownClustersStack({ clusters: { alpha: cluster({ service: "NodePort", nodes: pinnedNodes("alpha", "192.0.2") }) } }));
        assert.match(message, /chain138:clusters × chain138:validatorsPerRegion gives 2 validator\(s\)/);
    });

    it("NodePorts outside the API server's default range 30000-32767", async () => {
        // kube-apiserver --service-node-port-range defaults to 30000-32767: a nodePort outside is refused by the API server.
        const message = await rejected(
            ownClustersStack({
                clusters: {
                    alpha: cluster({ service: "NodePort", nodes: pinnedNodes("alpha", "192.0.2"), firstPort: 32766 }),
                    beta: cluster({ service: "NodePort", nodes: pinnedNodes("beta", "192.0.2") }),
                },
            }),
        );
        assert.match(message, /chain138:clusters.alpha.p2p.firstPort: the region's 3 nodes would use NodePorts 32766-32768/);
    });

    it("two nodes on one address and port", async () => {
        const message = await rejected(
            ownClustersStack({
                clusters: {
                    alpha: cluster({ service: "NodePort", nodes: pinnedNodes("alpha", "192.0.2"), firstPort: 30303 }),
                    // beta's second node on alpha's third node's address and port (30305 = 30303 + 2 = 30304 + 1).
                    beta: cluster({
                        service: "NodePort",
                        nodes: pinnedNodes("alpha", "192.0.2").map((n) => ({ ...n, address: "192.0.2.12" })),
                        firstPort: 30304,
                    }),
                },
            }),
        );
        assert.match(message, /chain138:clusters.beta.p2p: P2P endpoint 192.0.2.12:30305 is also used by chain138:clusters.alpha/);
    });

    it("a LoadBalancer cluster with an address per node missing, and no egress address", async () => {
        const message = await rejected(
            ownClustersStack({
                clusters: {
                    alpha: cluster({ service: "LoadBalancer", addresses: ["198.51.100.1", "198.51.100.2"] }),
                    beta: cluster({ service: "NodePort", nodes: pinnedNodes("beta", "192.0.2") }),
                },
            }),
        );
        assert.match(message, /chain138:clusters.alpha.p2p.addresses: lists 2 addresses but the region has 3 nodes/);
        assert.match(message, /chain138:clusters.alpha.egressAddress: required with p2p.service LoadBalancer/);
    });

    it("a NodePort cluster without one pinned node per Besu node", async () => {
        const message = await rejected(
            ownClustersStack({
                clusters: {
                    alpha: cluster({ service: "NodePort", nodes: pinnedNodes("alpha", "192.0.2").slice(0, 2) }),
                    beta: cluster({ service: "NodePort", nodes: pinnedNodes("beta", "198.51.100") }),
                },
            }),
        );
        assert.match(message, /chain138:clusters.alpha.p2p.nodes: lists 2 nodes but the region has 3/);
    });

    it("a region name that cannot name nodes", async () => {
        const message = await rejected(
            ownClustersStack({
                clusters: {
                    "Kind-A": cluster({ service: "NodePort", nodes: pinnedNodes("alpha", "192.0.2") }),
                    beta: cluster({ service: "NodePort", nodes: pinnedNodes("beta", "192.0.2") }),
                },
            }),
        );
        assert.match(message, /chain138:clusters: "Kind-A" is not a region name/);
    });

    it("a relayer (it runs in the AKS admin region)", async () => {
        const options = ownClustersStack();
        const message = await rejected({ ...options, secrets: { ...options.secrets, relayer: JSON.stringify({ image: "x/y:1" }) } });
        assert.match(message, /chain138:relayer/);
    });
});
