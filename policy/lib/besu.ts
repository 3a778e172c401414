// What the besu-node chart (charts/besu-node/templates/_helpers.tpl) puts on its objects, so policies can
// recognise Besu workloads and validator pods. tests/unit/stack-names.test.ts checks stack/names.ts against the
// rendered chart; tests/policy/validator-p2p-only.test.ts and besu-pdb.test.ts render it and check that these
// find its validator P2P Service and its Besu StatefulSets.

import { BESU_LABELS, BESU_P2P_PORT, BESU_ROLE_LABEL, POOL_ROLE_LABEL } from "../../stack/names";

/** `app.kubernetes.io/name` of every Besu object. */
export const BESU_NAME_LABEL = "app.kubernetes.io/name";
export const BESU_NAME = BESU_LABELS[BESU_NAME_LABEL];
/** `app.kubernetes.io/component`: `validator` or `sentry`. */
export { BESU_ROLE_LABEL };
export const BESU_ROLES: readonly string[] = ["validator", "sentry"];

/** Besu's P2P port (RLPx over TCP, discovery over UDP). */
export const P2P_PORT = BESU_P2P_PORT;
/** Besu's default JSON-RPC ports: HTTP, WebSocket, GraphQL. */
export const DEFAULT_RPC_PORTS: readonly number[] = [8545, 8546, 8547];
/** The chart's container port names of P2P (each node's own P2P port; own clusters' NodePorts differ per node). */
export const P2P_PORT_NAMES: readonly string[] = ["p2p-tcp", "p2p-udp"];
/** The chart's container port names of JSON-RPC (a Service may target them by name). */
export const RPC_PORT_NAMES: readonly string[] = ["rpc-http", "rpc-ws", "graphql"];

/** Node-pool label (and taint key) that pins Besu pods to their pool. */
export { POOL_ROLE_LABEL };

/** Whether an object's labels mark it as a Besu validator or sentry. */
export function isBesuWorkload(labels: Record<string, string>): boolean {
    return labels[BESU_NAME_LABEL] === BESU_NAME || BESU_ROLES.includes(labels[BESU_ROLE_LABEL] ?? "");
}

/**
 * Whether a Service selector can match validator pods. Validator pods carry `name=besu-node` and
 * `component=validator` (plus instance/node labels we cannot predict), so a selector selects them unless
 * it names another component, and it is Besu's as soon as it pins either label. Conservative on purpose.
 */
export function selectsValidators(selector: Record<string, string>): boolean {
    const component = selector[BESU_ROLE_LABEL];
    if (component !== undefined && component !== "validator") return false;
    const name = selector[BESU_NAME_LABEL];
    if (name !== undefined && name !== BESU_NAME) return false;
    return component === "validator" || name === BESU_NAME;
}
