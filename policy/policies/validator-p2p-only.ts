// Mandatory: a validator is reachable from outside only on P2P and only from the fleet's addresses.
// Any LoadBalancer/NodePort Service that can select validator pods must publish nothing but P2P over TCP/UDP — 30303, or
// the chart's named P2P container ports (`p2p-tcp`/`p2p-udp`: an own cluster's node listens on its own NodePort) — and
// restrict its sources with a non-empty loadBalancerSourceRanges that does not admit the world. A NodePort is refused
// without them too, although Kubernetes applies loadBalancerSourceRanges only to cloud load balancers (core/v1
// ServiceSpec): node ports are the operator's firewall to restrict, which this pack cannot see (README "Own clusters").
// A named targetPort other than the P2P names (e.g. `rpc-http` behind port 30303) is not P2P.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { P2P_PORT, P2P_PORT_NAMES, selectsValidators } from "../lib/besu";
import { isPublicType, OPEN_CIDRS, readService } from "../lib/services";
import { K8S_SERVICE } from "../lib/types";

export const validatorP2pOnly: ResourceValidationPolicy = {
    name: "validator-exposed-only-on-p2p",
    description: "Public Services selecting validator pods expose only 30303 TCP/UDP, with non-empty loadBalancerSourceRanges and no 0.0.0.0/0.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type !== K8S_SERVICE) return;
        const svc = readService(args.props as Record<string, unknown>);
        if (!isPublicType(svc.type) || !selectsValidators(svc.selector)) return;
        const what = `${args.name}: ${svc.type} Service selecting validator pods`;
        for (const p of svc.ports) {
            const named = typeof p.targetPort === "string" && P2P_PORT_NAMES.includes(p.targetPort);
            const numeric = p.port === P2P_PORT && p.targetPort === P2P_PORT;
            if (!(named || numeric) || (p.protocol !== "TCP" && p.protocol !== "UDP")) {
                report(
                    `${what} exposes port ${p.port ?? "?"}→${p.targetPort ?? "?"}/${p.protocol}; only P2P (${P2P_PORT}, or the ${P2P_PORT_NAMES.join("/")} container ports) TCP/UDP may be public`,
                );
            }
        }
        if (svc.sourceRanges.length === 0) {
            report(`${what} has no loadBalancerSourceRanges; P2P must be limited to the fleet's addresses`);
        }
        for (const cidr of svc.sourceRanges.filter((c) => OPEN_CIDRS.includes(c.trim()))) {
            report(`${what} admits ${cidr} in loadBalancerSourceRanges; P2P must be limited to the fleet's addresses`);
        }
    },
};
