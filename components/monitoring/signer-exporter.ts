// The signer exporter (ops/signer-exporter) in one validator region: a Deployment in the Besu namespace that polls its
// region's validators' JSON-RPC for qbft_getSignerMetrics and serves per-validator proposal counts for the regional
// agent (job chain138-signers, components/monitoring/agent-config.ts).
//
// Why the validators and why in the Besu namespace: the QBFT API group is enabled on validators only
// (charts/besu-node/values.yaml rpc.validatorApis; never on the sentries, whose RPC is the public endpoint) and their
// RPC is admitted from pods of the same namespace alone (charts/besu-node/templates/networkpolicy.yaml). So no chart
// change: the validator RPC stays private, and the exporter dials the pod IP (which the chart's Host allowlist holds).
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BESU_RPC_PORT, SIGNER_EXPORTER_LABELS } from "../../stack/names";
import { inClusterHost } from "../besu/peers";
import { ROLE_LABEL } from "../cluster";

export const SIGNER_EXPORTER_NAME = SIGNER_EXPORTER_LABELS["app.kubernetes.io/name"];
/** Port of /metrics (the agent keeps the pod port named "metrics"). */
export const SIGNER_EXPORTER_PORT = 9548;

/** Arguments of {@link deploySignerExporter}. */
export interface SignerExporterArgs {
    region: string;
    /** Namespace of the region's Besu release (the validators' RPC admits only its pods). */
    namespace: pulumi.Input<string>;
    /** Image built from ops/signer-exporter/Dockerfile. */
    image: string;
    /** The region's validator node names (tried in order; any validator sees the whole chain). */
    validatorNodes: readonly string[];
    /** Every genesis validator: node name → address (the `node` label of each series). */
    validatorAddresses: pulumi.Input<Record<string, string>>;
    /** Blocks the proposal counts cover (see {@link signerWindowBlocks}). */
    windowBlocks: number;
}

/**
 * The window for `validators` validators: four proposer turns each. QBFT hands round 0 of each height to the next
 * validator in turn, so over 4n blocks a live validator proposes about four times even when some of its rounds change,
 * and a validator that proposes none is not producing blocks (the rule Chain138ValidatorNotSigning reads).
 */
export function signerWindowBlocks(validators: number): number {
    if (!Number.isSafeInteger(validators) || validators < 1) throw new Error(`signer exporter: validators must be ≥ 1; got ${validators}`);
    return 4 * validators;
}

/** Creates the exporter's ConfigMap (validator names) and Deployment. */
export function deploySignerExporter(
    name: string,
    args: SignerExporterArgs,
    opts: { parent: pulumi.Resource; provider: k8s.Provider; dependsOn?: pulumi.Input<pulumi.Resource>[] },
): { config: k8s.core.v1.ConfigMap; deployment: k8s.apps.v1.Deployment } {
    if (args.validatorNodes.length === 0) throw new Error(`signer exporter ${args.region}: the region has no validator to ask`);
    const child = { parent: opts.parent, provider: opts.provider, dependsOn: opts.dependsOn };
    const labels = { ...SIGNER_EXPORTER_LABELS, "chain138.io/region": args.region };
    const validatorsJson = pulumi.output(args.validatorAddresses).apply((v) => JSON.stringify(v, null, 2) + "\n");
    const config = new k8s.core.v1.ConfigMap(
        `${name}-validators`,
        { metadata: { name: `${SIGNER_EXPORTER_NAME}-validators`, namespace: args.namespace, labels }, data: { "validators.json": validatorsJson } },
        child,
    );
    const deployment = new k8s.apps.v1.Deployment(
        `${name}-deployment`,
        {
            metadata: { name: SIGNER_EXPORTER_NAME, namespace: args.namespace, labels },
            spec: {
                replicas: 1,
                selector: { matchLabels: SIGNER_EXPORTER_LABELS },
                template: {
                    metadata: {
                        labels,
                        annotations: { "chain138.io/validators-sha256": validatorsJson.apply((t) => createHash("sha256").update(t).digest("hex")) },
                    },
                    spec: {
                        nodeSelector: { [ROLE_LABEL]: "system" },
                        tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
                        automountServiceAccountToken: false,
                        // uid 1000 is the image's `node` user (ops/signer-exporter/Dockerfile).
                        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [
                            {
                                name: SIGNER_EXPORTER_NAME,
                                image: args.image,
                                args: [
                                    ...args.validatorNodes.flatMap((node) => ["--rpc", `http://${inClusterHost(node)}:${BESU_RPC_PORT}`]),
                                    "--validators",
                                    "/etc/signer-exporter/validators.json",
                                    "--window-blocks",
                                    String(args.windowBlocks),
                                    "--interval",
                                    "30",
                                    "--timeout",
                                    "5",
                                    "--port",
                                    String(SIGNER_EXPORTER_PORT),
                                ],
                                ports: [{ name: "metrics", containerPort: SIGNER_EXPORTER_PORT }],
                                livenessProbe: { httpGet: { path: "/healthz", port: "metrics" }, periodSeconds: 30 },
                                readinessProbe: { httpGet: { path: "/healthz", port: "metrics" }, periodSeconds: 10 },
                                resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                                volumeMounts: [{ name: "validators", mountPath: "/etc/signer-exporter", readOnly: true }],
                            },
                        ],
                        volumes: [{ name: "validators", configMap: { name: config.metadata.name } }],
                    },
                },
            },
        },
        child,
    );
    return { config, deployment };
}
