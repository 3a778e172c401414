// Mandatory: a validator is reachable from outside only on P2P 30303 and only from the fleet's addresses.
// Any LoadBalancer/NodePort Service that can select validator pods must publish nothing but 30303 TCP/UDP
// and restrict its sources with a non-empty loadBalancerSourceRanges that does not admit the world.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { P2P_PORT, selectsValidators } from "../lib/besu";
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
            const targetOk = p.targetPort === P2P_PORT || typeof p.targetPort === "string";
            if (p.port !== P2P_PORT || !targetOk || (p.protocol !== "TCP" && p.protocol !== "UDP")) {
                report(`${what} exposes port ${p.port ?? "?"}→${p.targetPort ?? "?"}/${p.protocol}; only ${P2P_PORT} TCP/UDP may be public`);
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
