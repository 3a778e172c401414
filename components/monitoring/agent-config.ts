// The regional agent's Prometheus configuration (prometheus.yml), built as data so a test can hand the exact file to
// `promtool check config`. Relabelling follows Prometheus's configuration docs (kubernetes_sd_config, relabel_config,
// remote_write); the labels it sets are the ones the admin rules and dashboards select (stack/names.ts).
import { BESU_LABELS, BESU_NAMESPACE, BESU_NODE_LABEL, BESU_ROLE_LABEL, MONITORING_JOBS, MONITORING_LABELS, SIGNER_EXPORTER_LABELS } from "../../stack/names";

/** Files the agent pod mounts. */
export interface AgentFiles {
    /** The pod's service-account token (Kubernetes mounts it here by default). */
    readonly serviceAccountToken: string;
    /** The cluster CA bundle next to it. */
    readonly serviceAccountCa: string;
    /** The remote-write password, from the agent's Secret. */
    readonly remoteWritePassword: string;
    /** The stack CA (PEM) the receiver's certificate must chain to, from the agent's ConfigMap. */
    readonly remoteWriteCa: string;
}

export const AGENT_FILES: AgentFiles = {
    serviceAccountToken: "/var/run/secrets/kubernetes.io/serviceaccount/token",
    serviceAccountCa: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
    remoteWritePassword: "/etc/prometheus/secrets/remote-write-password",
    remoteWriteCa: "/etc/prometheus/remote-write-ca/ca.crt",
};

/** Inputs of {@link agentPrometheusConfig}. */
export interface AgentConfigArgs {
    /** Azure region of this cluster: the `region` label of every series it sends. */
    readonly region: string;
    /** The admin receiver, e.g. `https://10.0.16.4:9091/api/v1/write` (private path, VNet peering; TLS required). */
    readonly remoteWriteUrl: string;
    /** Basic-auth user of this region at the receiver. */
    readonly remoteWriteUsername: string;
    readonly scrapeInterval?: string;
    readonly files?: AgentFiles;
}

/** Kubernetes SD meta label of a pod label (Prometheus docs, kubernetes_sd_config `pod` role: label names sanitised). */
function podLabel(label: string): string {
    return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/** Scrape config of the kubelet's HTTPS endpoint on every node (node role: address is the kubelet port, 10250). */
function kubeletJob(job: string, metricsPath: string, keep: string, files: AgentFiles): Record<string, unknown> {
    return {
        job_name: job,
        scheme: "https",
        metrics_path: metricsPath,
        // The kubelet authorises /metrics/* as the `nodes/metrics` subresource (Kubernetes docs, "Kubelet
        // authentication/authorization"): the agent's ClusterRole grants exactly that, never nodes/proxy.
        authorization: { credentials_file: files.serviceAccountToken },
        tls_config: { ca_file: files.serviceAccountCa },
        kubernetes_sd_configs: [{ role: "node" }],
        relabel_configs: [
            { source_labels: ["__meta_kubernetes_node_name"], target_label: MONITORING_LABELS.kubernetesNode },
            { source_labels: ["__meta_kubernetes_node_name"], target_label: "instance" },
        ],
        // Only the series the dashboards and rules read: the kubelet exports hundreds more per node.
        metric_relabel_configs: [{ source_labels: ["__name__"], regex: keep, action: "keep" }],
    };
}

/** prometheus.yml of the agent (Prometheus `--agent` mode: scrape, WAL, remote write; no rules, no queries). */
export function agentPrometheusConfig(args: AgentConfigArgs): Record<string, unknown> {
    if (!/^[a-z][a-z0-9]*$/.test(args.region)) throw new Error(`metrics agent: region must be an Azure location name; got "${args.region}"`);
    let url: URL;
    try {
        url = new URL(args.remoteWriteUrl);
    } catch {
        throw new Error(`metrics agent ${args.region}: remoteWriteUrl is not a URL`);
    }
    if (url.username !== "" || url.password !== "")
        throw new Error(`metrics agent ${args.region}: remoteWriteUrl must not carry credentials (basic auth is separate)`);
    // The password crosses the peered VNets: never in clear.
    if (url.protocol !== "https:") throw new Error(`metrics agent ${args.region}: remoteWriteUrl must be https; got ${url.protocol}//`);
    const files = args.files ?? AGENT_FILES;
    return {
        global: {
            scrape_interval: args.scrapeInterval ?? "30s",
            // Attached to every sample this agent remote-writes (Prometheus docs, global.external_labels).
            external_labels: { [MONITORING_LABELS.region]: args.region },
        },
        scrape_configs: [
            {
                job_name: MONITORING_JOBS.besu,
                metrics_path: "/metrics",
                scheme: "http",
                kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [BESU_NAMESPACE] } }],
                relabel_configs: [
                    // Besu pods of the besu-node chart (charts/besu-node/templates/_helpers.tpl labels), port "metrics".
                    ...Object.entries(BESU_LABELS).map(([label, value]) => ({ source_labels: [podLabel(label)], regex: value, action: "keep" })),
                    { source_labels: ["__meta_kubernetes_pod_container_port_name"], regex: "metrics", action: "keep" },
                    // A pod without an address yet (Pending) has no target to scrape.
                    { source_labels: ["__meta_kubernetes_pod_ip"], regex: ".+", action: "keep" },
                    { source_labels: [podLabel(BESU_ROLE_LABEL)], target_label: MONITORING_LABELS.role },
                    { source_labels: [podLabel(BESU_NODE_LABEL)], target_label: MONITORING_LABELS.node },
                    // A node's series keep their identity across pod restarts (the pod IP changes, the node does not).
                    { source_labels: [podLabel(BESU_NODE_LABEL)], target_label: "instance" },
                    { source_labels: ["__meta_kubernetes_pod_ready"], target_label: MONITORING_LABELS.podReady },
                ],
                // pod_ready stays on `up` only: metric_relabel_configs do not apply to the series Prometheus
                // generates itself (Prometheus docs, metric_relabel_configs), so readiness flips do not churn every
                // Besu series.
                metric_relabel_configs: [{ regex: MONITORING_LABELS.podReady, action: "labeldrop" }],
            },
            {
                // The signer exporter next to the validators (ops/signer-exporter): per-validator proposals from
                // qbft_getSignerMetrics. Its series label the validator they describe with `node`, so this job sets no
                // node or role of its own (a target label would rename the exported one to exported_node).
                job_name: MONITORING_JOBS.signers,
                metrics_path: "/metrics",
                scheme: "http",
                kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [BESU_NAMESPACE] } }],
                relabel_configs: [
                    ...Object.entries(SIGNER_EXPORTER_LABELS).map(([label, value]) => ({ source_labels: [podLabel(label)], regex: value, action: "keep" })),
                    { source_labels: ["__meta_kubernetes_pod_container_port_name"], regex: "metrics", action: "keep" },
                    { source_labels: ["__meta_kubernetes_pod_ip"], regex: ".+", action: "keep" },
                    // One exporter per region: its series keep one identity across pod restarts.
                    { target_label: "instance", replacement: "signer-exporter" },
                ],
            },
            kubeletJob(MONITORING_JOBS.kubelet, "/metrics", "kubelet_volume_stats_(available|capacity|used)_bytes", files),
            kubeletJob(MONITORING_JOBS.kubeletResource, "/metrics/resource", "(node|container)_(cpu_usage_seconds_total|memory_working_set_bytes)", files),
            kubeletJob(
                MONITORING_JOBS.cadvisor,
                "/metrics/cadvisor",
                "container_(network_(receive|transmit)_bytes_total|fs_(reads|writes)_bytes_total)",
                files,
            ),
        ],
        remote_write: [
            {
                url: args.remoteWriteUrl,
                basic_auth: { username: args.remoteWriteUsername, password_file: files.remoteWritePassword },
                // Only the stack CA: the receiver's certificate (IP SAN of the URL's host) must chain to it, not to a
                // public CA (Prometheus docs, tls_config ca_file replaces the system roots).
                tls_config: { ca_file: files.remoteWriteCa, min_version: "TLS12" },
                // Hold samples through a short admin outage rather than drop them (the WAL keeps ~2 h).
                queue_config: { max_backoff: "30s" },
            },
        ],
    };
}
