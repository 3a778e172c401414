// Pulumi's await on the Besu objects: the Kubernetes provider waits 10 minutes by default for a Service's load
// balancer and for a StatefulSet's pods, unless `pulumi.com/timeoutSeconds` says otherwise (pulumi-kubernetes
// PR #457). Both wait on things slower than that: a validator is Ready only with a peer (readiness minPeers=1), and
// its peers may sit in a region whose cluster finishes much later — AKS create takes 13–15 min at the tail and
// 34 min on bad days (Azure/AKS #1439, #2980), a user pool up to ~9 min more — and a P2P load balancer attaches its
// static IP only once the cluster identity's grant has propagated (AKS: "up to 60 minutes").
import assert from "node:assert/strict";
import { test } from "node:test";
import { renderBesuChart } from "../support/policy-chart";

const DEFAULT_AWAIT_SECONDS = 10 * 60;
const SLOWEST_PEER_REGION_SECONDS = (34 + 9) * 60;

const timeoutOf = (props: Record<string, unknown>) =>
    Number(((props["metadata"] as { annotations?: Record<string, string> }).annotations ?? {})["pulumi.com/timeoutSeconds"]);

test("StatefulSets wait long enough for peers in the slowest region", () => {
    const sets = renderBesuChart("japaneast").filter((o) => o.type === "kubernetes:apps/v1:StatefulSet");
    assert.equal(sets.length, 3);
    for (const set of sets) assert.ok(timeoutOf(set.props) >= SLOWEST_PEER_REGION_SECONDS, `${set.name}: ${timeoutOf(set.props)} s`);
});

test("P2P load-balancer Services wait longer than the provider's default", () => {
    const services = renderBesuChart("japaneast").filter(
        (o) => o.type === "kubernetes:core/v1:Service" && (o.props["spec"] as { type?: string }).type === "LoadBalancer",
    );
    assert.equal(services.length, 3);
    for (const service of services) assert.ok(timeoutOf(service.props) > DEFAULT_AWAIT_SECONDS, `${service.name}: ${timeoutOf(service.props)} s`);
});
