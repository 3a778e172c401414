// Names the besu-node chart gives a region's objects, as both ops tools look them up through the Kubernetes API.

/** Namespace of the besu-node release (components/region-deployment.ts BESU_NAMESPACE). */
export const BESU_NAMESPACE = "besu";
/** Every StatefulSet and pod of the besu-node chart carries these labels (charts/besu-node/templates/_helpers.tpl). */
export const BESU_SELECTOR = "app.kubernetes.io/name=besu-node,app.kubernetes.io/part-of=chain138";
/** Besu's JSON-RPC HTTP port (chart value rpc.httpPort). */
export const BESU_RPC_PORT = 8545;
