// Mandatory: no metrics or remote-write endpoint is reachable from the internet. A Service that publishes Besu's
// metrics port (9545, container port "metrics"), a Prometheus/Alertmanager port (9090, 9093) or the remote-write
// receiver's port (9091) may be ClusterIP, or a LoadBalancer that AKS makes internal
// (`service.beta.kubernetes.io/azure-load-balancer-internal: "true"`, AKS docs "Use an internal load balancer");
// never a public LoadBalancer and never a NodePort (open on every node's address).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asRecord, asStringMap } from "../lib/read";
import { readService } from "../lib/services";
import { K8S_SERVICE } from "../lib/types";
import { BESU_METRICS_PORT, REMOTE_WRITE_PORT } from "../../stack/names";

/** Ports that serve metrics or accept them. */
export const METRICS_PORTS: readonly number[] = [BESU_METRICS_PORT, 9090, REMOTE_WRITE_PORT, 9093];
export const METRICS_PORT_NAMES: readonly string[] = ["metrics", "remote-write"];
const INTERNAL_LB = "service.beta.kubernetes.io/azure-load-balancer-internal";

export const metricsNotPublic: ResourceValidationPolicy = {
    name: "metrics-not-public",
    description: "Metrics and remote-write ports are only on ClusterIP Services or internal load balancers, never public.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type !== K8S_SERVICE) return;
        const props = args.props as Record<string, unknown>;
        const svc = readService(props);
        const internal = asStringMap(asRecord(props["metadata"])?.["annotations"])[INTERNAL_LB] === "true";
        const exposed = svc.type === "NodePort" || (svc.type === "LoadBalancer" && !internal);
        if (!exposed) return;
        for (const p of svc.ports) {
            const byNumber = [p.port, p.targetPort].some((n) => typeof n === "number" && METRICS_PORTS.includes(n));
            const byName = typeof p.targetPort === "string" && METRICS_PORT_NAMES.includes(p.targetPort);
            if (byNumber || byName) {
                report(
                    `${args.name}: ${svc.type === "NodePort" ? "NodePort" : "public LoadBalancer"} Service publishes metrics port ${p.port ?? "?"}→${p.targetPort ?? "?"}; ` +
                        `metrics stay on ClusterIP or an internal load balancer (${INTERNAL_LB}: "true")`,
                );
            }
        }
    },
};
