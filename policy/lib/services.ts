// Kubernetes Services as the exposure policies see them.
import { asArray, asNumber, asRecord, asString, asStringArray, asStringMap, at } from "./read";

export interface ServicePort {
    readonly port: number | undefined;
    /** Numeric or named target port; defaults to `port`. */
    readonly targetPort: number | string | undefined;
    /** TCP unless set. */
    readonly protocol: string;
}

export interface ServiceView {
    readonly type: string;
    readonly selector: Record<string, string>;
    readonly ports: ServicePort[];
    readonly sourceRanges: string[];
}

export function readService(props: Record<string, unknown>): ServiceView {
    const spec = asRecord(props["spec"]) ?? {};
    return {
        type: asString(spec["type"]) ?? "ClusterIP",
        selector: asStringMap(spec["selector"]),
        ports: asArray(spec["ports"]).map((p) => {
            const port = asNumber(at(p, "port"));
            const target = at(p, "targetPort");
            return { port, targetPort: asNumber(target) ?? asString(target) ?? port, protocol: asString(at(p, "protocol")) ?? "TCP" };
        }),
        sourceRanges: asStringArray(spec["loadBalancerSourceRanges"]),
    };
}

/** Service types reachable from outside the cluster. */
export function isPublicType(type: string): boolean {
    return type === "LoadBalancer" || type === "NodePort";
}

/** CIDRs meaning "anyone". */
export const OPEN_CIDRS: readonly string[] = ["0.0.0.0/0", "::/0", "0.0.0.0", "*"];
