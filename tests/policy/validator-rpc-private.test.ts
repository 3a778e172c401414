import assert from "node:assert/strict";
import { test } from "node:test";
import { validatorRpcPrivate } from "../../policy/policies/validator-rpc-private";
import { renderBesuChart } from "../support/policy-chart";
import { validateResource, type ResourceSpec } from "../support/policy-harness";

const validatorLb = (ports: unknown[], type = "LoadBalancer"): ResourceSpec => ({
    type: "kubernetes:core/v1:Service",
    name: "besu-validator-rpc",
    props: {
        spec: {
            type,
            selector: { "app.kubernetes.io/name": "besu-node", "app.kubernetes.io/component": "validator" },
            loadBalancerSourceRanges: ["20.0.0.1/32"],
            ports,
        },
    },
});

test("the chart's Services pass: RPC is a ClusterIP on sentries only", async () => {
    const services = renderBesuChart().filter((r) => r.type === "kubernetes:core/v1:Service");
    const rpc = services.find((s) => s.name.endsWith("-rpc"));
    assert.ok(rpc, "the chart renders the sentry RPC Service");
    for (const svc of services) assert.deepEqual(await validateResource(validatorRpcPrivate, svc), [], svc.name);
});

test("a validator LoadBalancer publishing 8545 is a violation naming the Service and port", async () => {
    const violations = await validateResource(validatorRpcPrivate, validatorLb([{ port: 8545, targetPort: 8545 }]));
    assert.deepEqual(
        violations.map((v) => v.message),
        ["besu-validator-rpc: LoadBalancer Service selecting validator pods publishes JSON-RPC port 8545→8545; validator RPC stays inside the cluster"],
    );
});

test("RPC reached by container port name, or on a configured port, through a NodePort is a violation too", async () => {
    assert.equal((await validateResource(validatorRpcPrivate, validatorLb([{ port: 80, targetPort: "rpc-http" }], "NodePort"))).length, 1);
    assert.deepEqual(await validateResource(validatorRpcPrivate, validatorLb([{ port: 9545 }])), []);
    assert.equal((await validateResource(validatorRpcPrivate, validatorLb([{ port: 9545 }]), { rpcPorts: [9545] })).length, 1);
});

test("a ClusterIP validator Service may carry RPC (in-cluster operators)", async () => {
    assert.deepEqual(await validateResource(validatorRpcPrivate, validatorLb([{ port: 8545 }], "ClusterIP")), []);
});
