// Pure topology rules: clashes are named, static-node sets, allowlist egress entries, CIDR ordering.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deriveNodeIdentity, enodeUrl, generatePrivateKey } from "../../components/besu/keys";
import { checkFleet, fleetCidrs, nodesAllowlist, sentryStaticNodes, validatorStaticNodes, type FleetPeer } from "../../components/besu/peers";

const id = () => deriveNodeIdentity(generatePrivateKey()).publicKey;
const peer = (name: string, region: string, role: "validator" | "sentry", ip: string, pub = id()): FleetPeer => ({
    name,
    region,
    role,
    enode: enodeUrl(pub, ip),
});

test("checkFleet names clashing nodes", () => {
    const a = peer("eastus-validator-0", "eastus", "validator", "20.0.0.1");
    assert.doesNotThrow(() => checkFleet([a, peer("eastus-validator-1", "eastus", "validator", "20.0.0.2")]));
    assert.throws(() => checkFleet([a, { ...a, name: "x", enode: enodeUrl(id(), "20.0.0.1") }]), /eastus-validator-0 and x share the same P2P endpoint/);
    assert.throws(
        () => checkFleet([a, { ...a, name: "y", enode: a.enode.replace("20.0.0.1", "20.0.0.9") }]),
        /eastus-validator-0 and y share the same enode id/,
    );
    assert.throws(() => checkFleet([a, { ...peer("z", "westus", "sentry", "20.0.0.3"), name: a.name }]), /share the same name/);
});

test("static nodes: validators get the other validators, sentries their region's validators", () => {
    const v = [
        peer("a-validator-0", "a", "validator", "20.0.0.1"),
        peer("a-validator-1", "a", "validator", "20.0.0.2"),
        peer("b-validator-0", "b", "validator", "20.0.0.3"),
    ];
    const s = peer("a-sentry-0", "a", "sentry", "20.0.0.4");
    const all = [...v, s];
    // Same region: the pod DNS name of the chart's StatefulSet pod; another region: the public IP.
    const internal = (p: FleetPeer) => p.enode.replace(/@[0-9.]+:/, `@besu-${p.name}-0.besu-headless.besu.svc.cluster.local:`);
    assert.deepEqual(validatorStaticNodes(all, "a-validator-1"), [internal(v[0]), v[2].enode]);
    assert.deepEqual(sentryStaticNodes(all, "a"), [internal(v[0]), internal(v[1])]);
    assert.throws(() => validatorStaticNodes(all, "a-sentry-0"), /a-sentry-0 is not a validator/);
});

test("allowlist adds each id at its region's egress IP, once", () => {
    const pub = id();
    const p = peer("a-validator-0", "a", "validator", "20.0.0.1", pub);
    assert.deepEqual(nodesAllowlist([p]), [p.enode]);
    assert.deepEqual(nodesAllowlist([p], { a: "20.0.9.9" }), [p.enode, `enode://${pub}@20.0.9.9:30303`]);
    // Egress from the node's own address (an own cluster's NodePort host): the enode itself admits those connections.
    assert.deepEqual(nodesAllowlist([p], { a: "20.0.0.1" }), [p.enode]);
    assert.throws(() => nodesAllowlist([p], { a: "nope" }), /egress IP of a/);
});

test("fleetCidrs sorts numerically, de-duplicates and validates", () => {
    assert.deepEqual(fleetCidrs(["20.0.0.10", "20.0.0.9", "20.0.0.9", "4.1.1.1"]), ["4.1.1.1/32", "20.0.0.9/32", "20.0.0.10/32"]);
    assert.throws(() => fleetCidrs(["20.0.0.1/32"]), /not an IPv4 address/);
});
