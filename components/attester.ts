// One attester service (attester/) in a validator region's cluster: its own key in its own Secret, its own RPC view
// (the region's own Besu endpoint for the fleet's chain, its configured endpoints elsewhere), its ledger on a volume, and
// an internal load balancer on a static IP of the region's internal-lb subnet that only the hub (the relayer) reaches.
// Never in the admin region: config validation refuses it, and the policy pack refuses a cluster or Secret holding a
// threshold of attester keys (policy/policies/attester-keys-spread.ts).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LoadedAttesterPlan } from "../config/load";
import { ATTESTER_PORT, LB_SUBNET } from "../stack/names";
import type { ChainEndpoint } from "./chain-endpoints";
import { ROLE_LABEL } from "./cluster";
import { rpcUrlEnvName, type RelayedRouter } from "./relayer";

const CONFIG_DIR = "/etc/attester";
const STATE_DIR = "/var/lib/attester";
/** Label every attester Secret carries: the policy pack finds attester keys by it (and by their values). */
export const ATTESTER_APP = "ccip-attester";

export type DeployedAttester = Extract<LoadedAttesterPlan, { kind: "deployed" }>;

export interface CcipAttesterArgs {
    plan: DeployedAttester;
    chains: ChainEndpoint[];
    routers: Record<string, RelayedRouter>;
    /** The region's private JSON-RPC endpoint (the fleet's chain as this region's own nodes see it). */
    regionRpcUrl?: string;
    /** Static IP of its internal load balancer (in the region's internal-lb subnet) and who may reach it (the hub). */
    serviceIp: string;
    hubCidr: string;
    /** The region's Kubernetes provider. */
    provider: k8s.Provider;
}

/** The attester's config file (attester/config.ts schema): no key, no token, no URL, only the variables naming them. */
export function attesterConfigJson(
    chains: readonly Pick<ChainEndpoint, "name" | "chainSelector" | "confirmations">[],
    routers: Record<string, { address: string }>,
): string {
    return JSON.stringify(
        {
            stateFile: `${STATE_DIR}/attester-state.json`,
            host: "0.0.0.0",
            port: ATTESTER_PORT,
            attesterKeyEnv: "ATTESTER_KEY",
            authTokenEnv: "ATTESTER_TOKEN",
            chains: chains.map((chain) => ({
                name: chain.name,
                rpcUrlEnv: rpcUrlEnvName(chain.name),
                routerAddress: routers[chain.name].address,
                chainSelector: chain.chainSelector,
                confirmations: chain.confirmations,
            })),
        },
        null,
        2,
    );
}

/** `chain138:index:CcipAttester`: Namespace, Secret, ConfigMap, PVC, Deployment and internal Service of one attester. */
export class CcipAttester extends pulumi.ComponentResource {
    /** http://<static ip>:8547, what the relayer asks. */
    public readonly url: string;

    constructor(name: string, args: CcipAttesterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chain138:index:CcipAttester", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const { plan } = args;
        const labels = { "app.kubernetes.io/name": ATTESTER_APP, "app.kubernetes.io/instance": plan.name, "app.kubernetes.io/part-of": "chain138" };
        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: `ccip-attester-${plan.name}`, labels } }, k8sOpts);
        const ns = namespace.metadata.name;

        // Its own view: an own URL where configured, the region's own nodes for the fleet's chain, else the chain's URL.
        const rpcUrls = Object.fromEntries(
            args.chains.map((chain) => {
                const fallback = chain.rpcFromFleet && args.regionRpcUrl !== undefined ? pulumi.output(args.regionRpcUrl) : chain.relayerRpcUrl;
                const url = plan.ownRpcChains.includes(chain.name) ? plan.rpcUrls.apply((u) => u[chain.name]) : fallback;
                return [rpcUrlEnvName(chain.name), url];
            }),
        );
        const secret = new k8s.core.v1.Secret(
            `${name}-key`,
            {
                metadata: { name: "ccip-attester-key", namespace: ns, labels, annotations: { "chain138.io/attester-address": plan.address } },
                type: "Opaque",
                stringData: pulumi.secret(
                    pulumi
                        .all([plan.key, plan.token, pulumi.all(rpcUrls)])
                        .apply(([key, token, urls]) => ({ ATTESTER_KEY: key, ATTESTER_TOKEN: token, ...urls })),
                ),
            },
            k8sOpts,
        );
        const config = new k8s.core.v1.ConfigMap(
            `${name}-config`,
            {
                metadata: { name: "ccip-attester-config", namespace: ns, labels },
                data: { "attester.json": pulumi.output(args.routers).apply((routers) => attesterConfigJson(args.chains, routers)) },
            },
            k8sOpts,
        );
        // The ledger of what it signed: losing it drops the guard against signing two messages at one sequence number.
        const state = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-state`,
            {
                metadata: { name: "ccip-attester-state", namespace: ns, labels },
                spec: { accessModes: ["ReadWriteOnce"], storageClassName: plan.storageClass, resources: { requests: { storage: "1Gi" } } },
            },
            k8sOpts,
        );
        new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            {
                metadata: { name: "ccip-attester", namespace: ns, labels },
                spec: {
                    // One writer of the ledger: never two pods at once.
                    replicas: 1,
                    strategy: { type: "Recreate" },
                    selector: { matchLabels: labels },
                    template: attesterPodTemplate(labels, plan.image, config, secret, state),
                },
            },
            k8sOpts,
        );
        // AKS internal load balancer on a static IP of the internal-lb subnet (the chart's RPC endpoint does the same:
        // charts/besu-node/templates/service-rpc-internal.yaml, AKS docs articles/aks/internal-lb.md), admitting the hub only.
        new k8s.core.v1.Service(
            `${name}-service`,
            {
                metadata: {
                    name: "ccip-attester",
                    namespace: ns,
                    labels,
                    annotations: {
                        "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
                        "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": LB_SUBNET,
                        "service.beta.kubernetes.io/azure-load-balancer-ipv4": args.serviceIp,
                    },
                },
                spec: {
                    type: "LoadBalancer",
                    selector: labels,
                    loadBalancerSourceRanges: [args.hubCidr],
                    ports: [{ name: "http", port: ATTESTER_PORT, targetPort: ATTESTER_PORT, protocol: "TCP" }],
                },
            },
            k8sOpts,
        );
        this.url = `http://${args.serviceIp}:${ATTESTER_PORT}`;
        this.registerOutputs({ url: this.url });
    }
}

function attesterPodTemplate(
    labels: Record<string, string>,
    image: string,
    config: k8s.core.v1.ConfigMap,
    secret: k8s.core.v1.Secret,
    state: k8s.core.v1.PersistentVolumeClaim,
): k8s.types.input.core.v1.PodTemplateSpec {
    const probe = { httpGet: { path: "/healthz", port: ATTESTER_PORT }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 };
    return {
        metadata: {
            labels,
            annotations: { "chain138/config-version": config.metadata.resourceVersion, "chain138/keys-version": secret.metadata.resourceVersion },
        },
        spec: {
            automountServiceAccountToken: false,
            // The sentry pool: ordinary workloads beside the region's RPC nodes (validators keep their pool to themselves).
            nodeSelector: { [ROLE_LABEL]: "sentry" },
            // The pool's taint keeps other workloads off (components/cluster.ts poolTaints); the attester is let on.
            tolerations: [{ key: ROLE_LABEL, operator: "Equal", value: "sentry", effect: "NoSchedule" }],
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
                {
                    name: "attester",
                    image,
                    args: ["--config", `${CONFIG_DIR}/attester.json`],
                    envFrom: [{ secretRef: { name: secret.metadata.name } }],
                    ports: [{ name: "http", containerPort: ATTESTER_PORT }],
                    readinessProbe: probe,
                    livenessProbe: probe,
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
