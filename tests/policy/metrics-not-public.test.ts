import assert from "node:assert/strict";
import { test } from "node:test";
import { metricsNotPublic } from "../../policy/policies/metrics-not-public";
import { renderBesuChart } from "../support/policy-chart";
import { validateResource, type ResourceSpec } from "../support/policy-harness";

const service = (type: string, ports: unknown[], annotations: Record<string, string> = {}): ResourceSpec => ({
    type: "kubernetes:core/v1:Service",
    name: "metrics",
    props: { metadata: { annotations }, spec: { type, selector: { app: "x" }, ports } },
});
const INTERNAL = { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" };

test("the Besu chart's Services pass (metrics is a ClusterIP)", async () => {
    for (const svc of renderBesuChart().filter((r) => r.type === "kubernetes:core/v1:Service")) {
        assert.deepEqual(await validateResource(metricsNotPublic, svc), [], svc.name);
    }
});

test("a public LoadBalancer or a NodePort on a metrics port is a violation naming Service and port", async () => {
    assert.deepEqual(
        (await validateResource(metricsNotPublic, service("LoadBalancer", [{ port: 9545, targetPort: "metrics" }]))).map((v) => v.message),
        [
            'metrics: public LoadBalancer Service publishes metrics port 9545→metrics; metrics stay on ClusterIP or an internal load balancer (service.beta.kubernetes.io/azure-load-balancer-internal: "true")',
        ],
    );
    assert.equal((await validateResource(metricsNotPublic, service("NodePort", [{ port: 80, targetPort: 9090 }]))).length, 1);
    assert.equal(
        (
            await validateResource(
                metricsNotPublic,
                service("LoadBalancer", [{ port: 9091 }], { "service.beta.kubernetes.io/azure-load-balancer-internal": "false" }),
            )
        ).length,
        1,
    );
});

test("the remote-write receiver on an internal load balancer passes; P2P on a public one is not this policy's", async () => {
    assert.deepEqual(await validateResource(metricsNotPublic, service("LoadBalancer", [{ port: 9091, targetPort: "remote-write" }], INTERNAL)), []);
    assert.deepEqual(await validateResource(metricsNotPublic, service("LoadBalancer", [{ port: 30303 }])), []);
});
