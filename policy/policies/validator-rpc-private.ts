// Mandatory: validators' JSON-RPC is never public. No LoadBalancer/NodePort Service that can select validator
// pods may publish an RPC port (by number, or by the chart's container port names rpc-http/rpc-ws).
// The chart binds rpc-http-host="0.0.0.0" on validators on purpose (kubelet probes and Prometheus reach the
// pod IP; the NetworkPolicy keeps RPC inside the namespace), so the bind address alone is not a violation:
// exposure is decided by the Service, which is what this policy polices.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DEFAULT_RPC_PORTS, RPC_PORT_NAMES, selectsValidators } from "../lib/besu";
import { isPublicType, readService } from "../lib/services";
import { K8S_SERVICE } from "../lib/types";

export interface ValidatorRpcConfig {
    /** Ports that count as JSON-RPC. Default 8545, 8546, 8547. */
    rpcPorts?: number[];
}

export const validatorRpcPrivate: ResourceValidationPolicy = {
    name: "validator-rpc-not-public",
    description: "No LoadBalancer/NodePort Service selecting validator pods exposes a JSON-RPC port (8545/8546/8547 or rpc-http/rpc-ws).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            rpcPorts: { type: "array", items: { type: "integer" }, default: [...DEFAULT_RPC_PORTS], description: "Ports that count as JSON-RPC." },
        },
    },
    validateResource: (args, report) => {
        if (args.type !== K8S_SERVICE) return;
        const svc = readService(args.props as Record<string, unknown>);
        if (!isPublicType(svc.type) || !selectsValidators(svc.selector)) return;
        const rpcPorts = args.getConfig<ValidatorRpcConfig>().rpcPorts ?? DEFAULT_RPC_PORTS;
        for (const p of svc.ports) {
            const byNumber = [p.port, p.targetPort].some((n) => typeof n === "number" && rpcPorts.includes(n));
            const byName = typeof p.targetPort === "string" && RPC_PORT_NAMES.includes(p.targetPort);
            if (byNumber || byName) {
                report(
                    `${args.name}: ${svc.type} Service selecting validator pods publishes JSON-RPC port ${p.port ?? "?"}→${p.targetPort ?? "?"}; validator RPC stays inside the cluster`,
                );
            }
        }
    },
};
