// The CCIP relayer (relayer/) as a Deployment in the admin region's cluster: it reads the routers the
// contract suites deployed and delivers attested messages between them. Keys and RPC URLs reach the pod
// only through a Secret; the ConfigMap names the environment variables that hold them (relayer/config.ts).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LoadedChainPlan, LoadedRelayerPlan } from "../config/load";
import type { ChainEndpoint } from "./chain-endpoints";
import { ROLE_LABEL } from "./cluster";

export const RELAYER_NAMESPACE = "ccip-relayer";
const CONFIG_DIR = "/etc/relayer";
const STATE_DIR = "/var/lib/relayer";
/** Port of the relayer's /healthz and /metrics (relayer/metrics.ts). */
export const RELAYER_HTTP_PORT = 9464;

/** An attester the relayer asks for signatures: deployed by this stack (components/attester.ts) or run by an operator. */
export interface RelayerAttester {
    name: string;
    address: string;
    url: pulumi.Input<string>;
    /** Bearer token it expects; secret. */
    token: pulumi.Output<string>;
}

/** Environment variable that carries an attester's token inside the relayer pod. */
export function attesterTokenEnvName(attester: string): string {
    return `ATTESTER_TOKEN_${attester.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/** Args of a {@link CcipRelayer}. */
export interface CcipRelayerArgs {
    plan: LoadedRelayerPlan;
    /** The chains the suites are deployed on (the relayer's RPC URLs are secret Outputs). */
    chains: ChainEndpoint[];
    /** Per chain name: the suite's CCIPRouter and the block it was recorded in (where scanning starts). */
    routers: Record<string, RelayedRouter>;
    /** The attesters it collects signatures from (it holds no attester key). */
    attesters: RelayerAttester[];
    /** The admin cluster's Kubernetes provider. */
    provider: k8s.Provider;
}

/** A router the relayer serves. */
export interface RelayedRouter {
    address: pulumi.Input<string>;
    /** Nothing can be sent through the router before it exists: the relayer starts scanning here. */
    startBlock?: pulumi.Input<number>;
}

/** Environment variable that carries a chain's RPC URL inside the pod. */
export function rpcUrlEnvName(chain: string): string {
    return `RPC_URL_${chain.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/** The relayer's config file (relayer/config.ts schema): no key and no URL, only the variables naming them. */
export function relayerConfigJson(
    plan: Pick<LoadedRelayerPlan, "pollIntervalMs">,
    chains: readonly Pick<LoadedChainPlan, "name" | "chainSelector" | "confirmations" | "minGasPriceWei">[],
    routers: Record<string, { address: string; startBlock?: number }>,
    attesters: readonly { name: string; address: string; url: string }[] = [],
): string {
    return JSON.stringify(
        {
            stateFile: `${STATE_DIR}/state.json`,
            pollIntervalMs: plan.pollIntervalMs,
            relayerKeyEnv: "RELAYER_KEY",
            attesters: attesters.map((a) => ({ url: a.url, address: a.address, tokenEnv: attesterTokenEnvName(a.name) })),
            httpHost: "0.0.0.0",
            httpPort: RELAYER_HTTP_PORT,
            chains: chains.map((chain) => ({
                name: chain.name,
                rpcUrlEnv: rpcUrlEnvName(chain.name),
                routerAddress: routers[chain.name].address,
                chainSelector: chain.chainSelector,
                confirmations: chain.confirmations,
                // Left out of the JSON when unknown (JSON.stringify drops undefined): the relayer then starts at 0.
                startBlock: routers[chain.name].startBlock,
                minGasPriceWei: chain.minGasPriceWei,
            })),
        },
        null,
        2,
    );
}

/** The CCIP relayer Deployment (`chain138:index:CcipRelayer`). */
export class CcipRelayer extends pulumi.ComponentResource {
    public readonly deployment: k8s.apps.v1.Deployment;

    constructor(name: string, args: CcipRelayerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chain138:index:CcipRelayer", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const labels = { "app.kubernetes.io/name": "ccip-relayer", "app.kubernetes.io/part-of": "chain138" };

        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: RELAYER_NAMESPACE, labels } }, k8sOpts);
        const ns = namespace.metadata.name;

        // The relayer's endpoints: for the fleet's chain, the private one over the hub peering (components/chain-endpoints.ts).
        const rpcUrls = Object.fromEntries(args.chains.map((chain) => [rpcUrlEnvName(chain.name), chain.relayerRpcUrl]));
        const secret = new k8s.core.v1.Secret(
            `${name}-keys`,
            {
                metadata: { name: "ccip-relayer-keys", namespace: ns, labels },
                type: "Opaque",
                // The relayer key (gas only), the RPC URLs and the attesters' tokens: no attester key.
                stringData: pulumi.secret(
                    pulumi
                        .all([
                            args.plan.relayerKey,
                            pulumi.all(rpcUrls),
                            pulumi.all(Object.fromEntries(args.attesters.map((a) => [attesterTokenEnvName(a.name), a.token]))),
                        ])
                        .apply(([relayerKey, urls, tokens]) => ({ RELAYER_KEY: relayerKey, ...urls, ...tokens })),
                ),
            },
            k8sOpts,
        );

        // pulumi.output resolves the nested Inputs of every router.
        const routers = pulumi.output(args.routers);
        const attesterUrls = pulumi.all(args.attesters.map((a) => pulumi.output(a.url)));
        const config = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            {
                metadata: { name: "ccip-relayer-config", namespace: ns, labels },
                data: {
                    "relayer.json": pulumi.all([routers, attesterUrls]).apply(([addresses, urls]) =>
                        relayerConfigJson(
                            args.plan,
                            args.chains,
                            addresses,
                            args.attesters.map((a, i) => ({ name: a.name, address: a.address, url: urls[i] })),
                        ),
                    ),
                },
            },
            k8sOpts,
        );

        // The delivery cursor survives restarts (a lost one only means rescanning from the routers' history).
        const state = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-state`,
            {
                metadata: { name: "ccip-relayer-state", namespace: ns, labels },
                spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.plan.storageClass, resources: { requests: { storage: "1Gi" } } },
            },
            k8sOpts,
        );

        this.deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: { name: "ccip-relayer", namespace: ns, labels },
                spec: {
                    // One writer of the state file and one sender per key: never two pods at once.
                    replicas: 1,
                    strategy: { type: "Recreate" },
                    selector: { matchLabels: labels },
                    template: relayerPodTemplate(labels, args.plan.image, config, secret, state),
                },
            },
            k8sOpts,
        );
        this.registerOutputs({ deployment: this.deployment.metadata.name });
    }
}

/** The relayer's pod: the admin pool, non-root, read-only root filesystem, config and keys mounted, state on its volume. */
function relayerPodTemplate(
    labels: Record<string, string>,
    image: pulumi.Input<string>,
    config: k8s.core.v1.ConfigMap,
    secret: k8s.core.v1.Secret,
    state: k8s.core.v1.PersistentVolumeClaim,
): k8s.types.input.core.v1.PodTemplateSpec {
    return {
        metadata: {
            labels,
            // A new config or new keys roll the pod.
            annotations: {
                "chain138/config-version": config.metadata.resourceVersion,
                "chain138/keys-version": secret.metadata.resourceVersion,
            },
        },
        spec: {
            automountServiceAccountToken: false,
            // The admin pool (the system pool is tainted for critical add-ons only).
            nodeSelector: { [ROLE_LABEL]: "admin" },
            // uid 1000 is the image's `node` user (relayer/Dockerfile).
            securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                runAsGroup: 1000,
                fsGroup: 1000,
                seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
                {
                    name: "relayer",
                    image,
                    args: ["--config", `${CONFIG_DIR}/relayer.json`],
                    envFrom: [{ secretRef: { name: secret.metadata.name } }],
                    ports: [{ name: "http", containerPort: RELAYER_HTTP_PORT }],
                    // /healthz: 503 once a source loop has not gone round within its bound (relayer/metrics.ts).
                    livenessProbe: { httpGet: { path: "/healthz", port: RELAYER_HTTP_PORT }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
                    volumeMounts: [
                        { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                        { name: "state", mountPath: STATE_DIR },
                    ],
                    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                },
            ],
            volumes: [
                { name: "config", configMap: { name: config.metadata.name } },
                { name: "state", persistentVolumeClaim: { claimName: state.metadata.name } },
            ],
        },
    };
}
