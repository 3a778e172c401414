// The RPC exposure policy against the chart as helm renders it with both endpoints on (the production shape), and
// against the Services it must refuse: JSON-RPC on a public load balancer or a NodePort, an internal one open to all,
// a gateway without source ranges.
import assert from "node:assert/strict";
import { test } from "node:test";
import { rpcEndpointsRestricted } from "../../policy/policies/rpc-endpoints-restricted";
import { ENDPOINT_VALUES } from "../support/rpc-gateway";
import { renderBesuChart } from "../support/policy-chart";
import { validateResource, type ResourceSpec } from "../support/policy-harness";

const service = (spec: Record<string, unknown>, annotations: Record<string, string> = {}): ResourceSpec => ({
    type: "kubernetes:core/v1:Service",
    name: "besu-japaneast:rpc",
    props: { metadata: { annotations }, spec: { type: "LoadBalancer", selector: { "app.kubernetes.io/component": "sentry" }, ...spec } },
});
const INTERNAL = { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" };

test("the chart's Services with both endpoints on pass, and it renders both", async () => {
    const services = renderBesuChart("japaneast", "besu", ENDPOINT_VALUES).filter((r) => r.type === "kubernetes:core/v1:Service");
    assert.ok(
        services.some((s) => s.name.endsWith(":besu-rpc-internal")),
        "internal endpoint rendered",
    );
    assert.ok(
        services.some((s) => s.name.endsWith(":besu-rpc-gateway")),
        "public gateway rendered",
    );
    for (const svc of services) assert.deepEqual(await validateResource(rpcEndpointsRestricted, svc), [], svc.name);
});

test("JSON-RPC on a public load balancer or a NodePort is refused, by port number or by name", async () => {
    const publicLb = await validateResource(rpcEndpointsRestricted, service({ loadBalancerSourceRanges: ["145.100.7.0/24"], ports: [{ port: 8545 }] }));
    assert.match(publicLb[0]?.message ?? "", /LoadBalancer Service publishes JSON-RPC port 8545 outside an internal load balancer/);
    const nodePort = await validateResource(rpcEndpointsRestricted, service({ type: "NodePort", ports: [{ port: 80, targetPort: "rpc-ws" }] }, INTERNAL));
    assert.equal(nodePort.length, 1, "a node port listens on every node's address, internal annotation or not");
});

test("an internal load balancer without source ranges, or open to all, is refused", async () => {
    assert.match(
        (await validateResource(rpcEndpointsRestricted, service({ ports: [{ port: 8545 }] }, INTERNAL)))[0]?.message ?? "",
        /without loadBalancerSourceRanges/,
    );
    assert.equal(
        (await validateResource(rpcEndpointsRestricted, service({ loadBalancerSourceRanges: ["0.0.0.0/0"], ports: [{ port: 8545 }] }, INTERNAL))).length,
        1,
    );
});

test("the public gateway without source ranges is refused", async () => {
    const gateway = service({ selector: { "app.kubernetes.io/component": "rpc-gateway" }, ports: [{ port: 443, targetPort: "https" }] });
    assert.match((await validateResource(rpcEndpointsRestricted, gateway))[0]?.message ?? "", /gateway needs loadBalancerSourceRanges/);
});
