// The metrics agent of one validator region: Prometheus in agent mode scraping the region's Besu nodes, kubelets
// (volumes, node and container usage) and cAdvisor, remote-writing to the admin region over the private path with
// basic auth.
//
// Why Prometheus agent mode: one binary the admin side already speaks (the same remote-write protocol and relabelling
// as the admin Prometheus, checked here by the same promtool), kubernetes_sd for pods and nodes, a WAL that rides out
// a short admin outage, and no CRDs or operator in the regions (they have none). Grafana Alloy would do the same with
// a second configuration language; Azure Monitor managed Prometheus would send the metrics to an Azure Monitor
// workspace, not to the admin Prometheus and its PrometheusRules, and adds per-region data-collection rules.
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { AGENT_NAMESPACE } from "../../stack/names";
import { ROLE_LABEL } from "../cluster";
import { AGENT_FILES, agentPrometheusConfig } from "./agent-config";

/** Prometheus release of the agents (v3 LTS line; `--agent` mode). */
export const AGENT_IMAGE = "quay.io/prometheus/prometheus:v3.5.0";

/** Arguments of {@link deployRegionalAgent}. */
export interface RegionalAgentArgs {
    /** Azure location of the cluster; the region label of every series. */
    region: string;
    /** The admin receiver's URL on the private path, e.g. `https://10.0.16.4:9091/api/v1/write`. */
    remoteWriteUrl: pulumi.Input<string>;
    /** The stack CA (PEM) the receiver's certificate chains to (components/rpc-tls.ts): the only root the agent trusts there. */
    remoteWriteCa: pulumi.Input<string>;
    /** This region's receiver password (a secret; components/monitoring/credentials.ts). */
    remoteWritePassword: pulumi.Input<string>;
    /** Container image. Default {@link AGENT_IMAGE}. */
    image?: string;
}

/** What {@link deployRegionalAgent} created. */
export interface RegionalAgent {
    namespace: k8s.core.v1.Namespace;
    config: k8s.core.v1.ConfigMap;
    deployment: k8s.apps.v1.Deployment;
}

const AGENT_NAME = "metrics-agent";

/** Creates the agent's namespace, RBAC, Secret, ConfigMap and Deployment in one region's cluster. */
export function deployRegionalAgent(
    name: string,
    args: RegionalAgentArgs,
    opts: { parent: pulumi.Resource; provider: k8s.Provider; dependsOn?: pulumi.Input<pulumi.Resource>[] },
): RegionalAgent {
    const child = { parent: opts.parent, provider: opts.provider, dependsOn: opts.dependsOn };
    const labels = { "app.kubernetes.io/name": AGENT_NAME, "app.kubernetes.io/part-of": "chain138" };
    const namespace = new k8s.core.v1.Namespace(
        `${name}-ns`,
        {
            metadata: {
                name: AGENT_NAMESPACE,
                labels: {
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                    "chain138.io/region": args.region,
                },
            },
        },
        child,
    );
    const ns = namespace.metadata.name;
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: { name: AGENT_NAME, namespace: ns, labels } }, child);
    // Discovery reads pods (Besu targets) and nodes (kubelet targets); the kubelet authorises /metrics/* as
    // nodes/metrics (Kubernetes docs, "Kubelet authentication/authorization"). Nothing else: no secrets, no nodes/proxy.
    const clusterRole = new k8s.rbac.v1.ClusterRole(
        `${name}-role`,
        {
            metadata: { name: `chain138-${AGENT_NAME}`, labels },
            rules: [
                { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
                { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
            ],
        },
        child,
    );
    new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-binding`,
        {
            metadata: { name: `chain138-${AGENT_NAME}`, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: ns }],
        },
        child,
    );
    const secret = new k8s.core.v1.Secret(
        `${name}-remote-write`,
        {
            metadata: { name: `${AGENT_NAME}-remote-write`, namespace: ns, labels },
            type: "Opaque",
            stringData: { "remote-write-password": pulumi.secret(args.remoteWritePassword) },
        },
        { ...child, additionalSecretOutputs: ["data", "stringData"] },
    );
    const caDir = AGENT_FILES.remoteWriteCa.slice(0, AGENT_FILES.remoteWriteCa.lastIndexOf("/"));
    const caFile = AGENT_FILES.remoteWriteCa.slice(caDir.length + 1);
    const ca = new k8s.core.v1.ConfigMap(
        `${name}-remote-write-ca`,
        { metadata: { name: `${AGENT_NAME}-remote-write-ca`, namespace: ns, labels }, data: { [caFile]: args.remoteWriteCa } },
        child,
    );
    const configText = pulumi
        .output(args.remoteWriteUrl)
        .apply((url) => stringify(agentPrometheusConfig({ region: args.region, remoteWriteUrl: url, remoteWriteUsername: args.region })));
    const config = new k8s.core.v1.ConfigMap(
        `${name}-config`,
        { metadata: { name: `${AGENT_NAME}-config`, namespace: ns, labels }, data: { "prometheus.yml": configText } },
        child,
    );
    const secretsDir = AGENT_FILES.remoteWritePassword.slice(0, AGENT_FILES.remoteWritePassword.lastIndexOf("/"));
    const deployment = new k8s.apps.v1.Deployment(
        `${name}-deployment`,
        {
            metadata: { name: AGENT_NAME, namespace: ns, labels },
            spec: {
                replicas: 1,
                // One writer per region: a second agent during a rollout would send every sample twice.
                strategy: { type: "Recreate" },
                selector: { matchLabels: labels },
                template: {
                    // A changed prometheus.yml rolls the pod (a subPath mount is never refreshed in place).
                    // A new CA rolls it too (the receiver's certificate may then come from it only).
                    metadata: {
                        labels,
                        annotations: {
                            "chain138.io/config-sha256": configText.apply((t) => createHash("sha256").update(t).digest("hex")),
                            "chain138.io/remote-write-ca-sha256": pulumi.output(args.remoteWriteCa).apply((t) => createHash("sha256").update(t).digest("hex")),
                        },
                    },
                    spec: {
                        serviceAccountName: serviceAccount.metadata.name,
                        // Validator and sentry pools are tainted for Besu alone; the system pool takes critical add-ons.
                        nodeSelector: { [ROLE_LABEL]: "system" },
                        tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
                        securityContext: {
                            runAsNonRoot: true,
                            runAsUser: 65534,
                            runAsGroup: 65534,
                            fsGroup: 65534,
                            seccompProfile: { type: "RuntimeDefault" },
                        },
                        containers: [
                            {
                                name: "prometheus",
                                image: args.image ?? AGENT_IMAGE,
                                args: [
                                    "--agent",
                                    "--config.file=/etc/prometheus/prometheus.yml",
                                    "--storage.agent.path=/prometheus",
                                    "--web.listen-address=:9090",
                                ],
                                ports: [{ name: "http", containerPort: 9090 }],
                                readinessProbe: { httpGet: { path: "/-/ready", port: "http" }, periodSeconds: 10 },
                                livenessProbe: { httpGet: { path: "/-/healthy", port: "http" }, periodSeconds: 30, failureThreshold: 5 },
                                resources: { requests: { cpu: "50m", memory: "192Mi" }, limits: { memory: "512Mi" } },
                                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                                volumeMounts: [
                                    { name: "config", mountPath: "/etc/prometheus/prometheus.yml", subPath: "prometheus.yml", readOnly: true },
                                    { name: "remote-write", mountPath: secretsDir, readOnly: true },
                                    { name: "remote-write-ca", mountPath: caDir, readOnly: true },
                                    { name: "wal", mountPath: "/prometheus" },
                                ],
                            },
                        ],
                        volumes: [
                            { name: "config", configMap: { name: config.metadata.name } },
                            { name: "remote-write", secret: { secretName: secret.metadata.name } },
                            { name: "remote-write-ca", configMap: { name: ca.metadata.name } },
                            // The WAL only buffers until the admin side acknowledges: node-local scratch is enough.
                            { name: "wal", emptyDir: { sizeLimit: "2Gi" } },
                        ],
                    },
                },
            },
        },
        child,
    );
    return { namespace, config, deployment };
}
