import assert from "node:assert/strict";
import { before, test } from "node:test";
import { selectsValidators } from "../../policy/lib/besu";
import { asStringMap, at } from "../../policy/lib/read";
import { validatorP2pOnly } from "../../policy/policies/validator-p2p-only";
import { renderBesuChart } from "../support/policy-chart";
import { validateResource, type ResourceSpec } from "../support/policy-harness";

let services: ResourceSpec[];
let validatorP2p: ResourceSpec;

before(() => {
    services = renderBesuChart().filter((r) => r.type === "kubernetes:core/v1:Service");
    const found = services.find((s) => s.name.endsWith("-p2p") && selectsValidators(asStringMap(at(s.props, "spec", "selector"))));
    assert.ok(found, "the chart renders a P2P Service the policy recognises as selecting validator pods");
    validatorP2p = found;
});

function withSpec(spec: ResourceSpec, patch: Record<string, unknown>): ResourceSpec {
    return { ...spec, props: { ...spec.props, spec: { ...(spec.props["spec"] as Record<string, unknown>), ...patch } } };
}

test("the chart's Services pass: validator P2P LoadBalancers publish only 30303 TCP/UDP from the fleet's ranges", async () => {
    assert.ok(services.length >= 4, `rendered ${services.length} Services`);
    for (const svc of services) assert.deepEqual(await validateResource(validatorP2pOnly, svc), [], svc.name);
});

test("a validator LoadBalancer that also publishes 8545 is a violation naming the Service and port", async () => {
    const ports = [...(at(validatorP2p.props, "spec", "ports") as unknown[]), { name: "rpc", port: 8545, targetPort: 8545, protocol: "TCP" }];
    const violations = await validateResource(validatorP2pOnly, withSpec(validatorP2p, { ports }));
    assert.equal(violations.length, 1);
    assert.match(violations[0].message, new RegExp(`^${validatorP2p.name}: LoadBalancer Service selecting validator pods exposes port 8545`));
});

test("missing or open loadBalancerSourceRanges are violations", async () => {
    const none = await validateResource(validatorP2pOnly, withSpec(validatorP2p, { loadBalancerSourceRanges: [] }));
    assert.equal(none.length, 1);
    assert.match(none[0].message, /no loadBalancerSourceRanges/);
    const open = await validateResource(validatorP2pOnly, withSpec(validatorP2p, { loadBalancerSourceRanges: ["20.0.0.1/32", "0.0.0.0/0"] }));
    assert.equal(open.length, 1);
    assert.match(open[0].message, /admits 0\.0\.0\.0\/0/);
});

test("a NodePort selecting every Besu pod (validators included) without ranges is a violation", async () => {
    const svc: ResourceSpec = {
        type: "kubernetes:core/v1:Service",
        name: "besu-all",
        props: { spec: { type: "NodePort", selector: { "app.kubernetes.io/name": "besu-node" }, ports: [{ port: 30303 }] } },
    };
    const violations = await validateResource(validatorP2pOnly, svc);
    assert.deepEqual(
        violations.map((v) => v.message),
        ["besu-all: NodePort Service selecting validator pods has no loadBalancerSourceRanges; P2P must be limited to the fleet's addresses"],
    );
});

test("only the chart's P2P port names count as P2P: a named RPC port behind 30303 is a violation, an own cluster's NodePort P2P is not", async () => {
    const service = (targetPort: string, port: number): ResourceSpec => ({
        type: "kubernetes:core/v1:Service",
        name: `besu-${targetPort}`,
        props: {
            spec: {
                type: "LoadBalancer",
                selector: { "app.kubernetes.io/name": "besu-node", "app.kubernetes.io/component": "validator" },
                loadBalancerSourceRanges: ["192.0.2.10/32"],
                ports: [{ port, targetPort, protocol: "TCP" }],
            },
        },
    });
    const rpc = await validateResource(validatorP2pOnly, service("rpc-http", 30303));
    assert.deepEqual(
        rpc.map((v) => v.message),
        [
            "besu-rpc-http: LoadBalancer Service selecting validator pods exposes port 30303→rpc-http/TCP; only P2P (30303, or the p2p-tcp/p2p-udp container ports) TCP/UDP may be public",
        ],
    );
    // Node 2 of an own cluster listens on, and is reached on, 30305 (config/own-clusters.ts).
    assert.deepEqual(await validateResource(validatorP2pOnly, service("p2p-tcp", 30305)), []);
});
