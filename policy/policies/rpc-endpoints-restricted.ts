// Mandatory: JSON-RPC leaves a cluster only through the two endpoints issue 13 designed, each admitting listed sources:
// - a JSON-RPC port (8545/8546/8547 or the chart's rpc-http/rpc-ws) on a LoadBalancer only on an Azure *internal* load
//   balancer (`service.beta.kubernetes.io/azure-load-balancer-internal: "true"`, AKS internal-lb.md), never a NodePort
//   (a node port listens on every node's address);
// - the public gateway's HTTPS only with `loadBalancerSourceRanges` (Kubernetes: "traffic to the load balancer is
//   restricted to the specified client IPs"; without it cloud-provider-azure admits the whole Internet).
// Either way never 0.0.0.0/0. The chart's Services pass (tests/policy/rpc-endpoints-restricted.test.ts renders it).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULT_RPC_PORTS, RPC_PORT_NAMES } from "../lib/besu";
import { asRecord, asStringMap } from "../lib/read";
import { isPublicType, OPEN_CIDRS, readService } from "../lib/services";
import { K8S_SERVICE } from "../lib/types";

const INTERNAL_LB = "service.beta.kubernetes.io/azure-load-balancer-internal";
/** The gateway's pods (charts/besu-node/templates/rpc-gateway.yaml). */
const GATEWAY_COMPONENT = "rpc-gateway";

export const rpcEndpointsRestricted: ResourceValidationPolicy = {
    name: "rpc-endpoints-restricted",
    description:
        "JSON-RPC ports leave a cluster only on an internal load balancer with source ranges; the public RPC gateway only with loadBalancerSourceRanges; never 0.0.0.0/0.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type !== K8S_SERVICE) return;
        const props = args.props as Record<string, unknown>;
        const svc = readService(props);
        if (!isPublicType(svc.type)) return;
        const annotations = asStringMap(asRecord(props["metadata"])?.["annotations"]);
        const internal = svc.type === "LoadBalancer" && annotations[INTERNAL_LB] === "true";
        const open = svc.sourceRanges.length === 0 || svc.sourceRanges.some((range) => OPEN_CIDRS.includes(range));
        const rpc = svc.ports.filter(
            (p) =>
                [p.port, p.targetPort].some((n) => typeof n === "number" && DEFAULT_RPC_PORTS.includes(n)) ||
                (typeof p.targetPort === "string" && RPC_PORT_NAMES.includes(p.targetPort)),
        );
        if (rpc.length > 0 && !internal) {
            report(
                `${args.name}: ${svc.type} Service publishes JSON-RPC port ${rpc[0].port ?? "?"} outside an internal load balancer; the public endpoint is the TLS gateway`,
            );
        } else if (rpc.length > 0 && open) {
            report(`${args.name}: internal load balancer publishes JSON-RPC without loadBalancerSourceRanges (or with an open range); list the hub's subnet`);
        }
        if (svc.selector["app.kubernetes.io/component"] === GATEWAY_COMPONENT && !internal && open) {
            report(`${args.name}: the public JSON-RPC gateway needs loadBalancerSourceRanges (chain138:rpcAllowedCidrs), never 0.0.0.0/0`);
        }
    },
};
