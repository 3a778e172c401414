// Every metric name the alert rules and dashboards may use, each with where it is defined. The monitoring tests parse
// every rule and dashboard query with Prometheus's own PromQL grammar (@prometheus-io/lezer-promql) and refuse a
// metric name not listed here (or not a recording rule of ours), so a typo or a name Besu does not export fails CI.
//
// Besu 25.8. Besu names a metric `<prefix><category>_<name>`: categories of BesuMetricCategory
// (metrics/core/src/main/java/org/hyperledger/besu/metrics/BesuMetricCategory.java) carry the prefix `besu_`, except
// ETHEREUM("ethereum", false), which has none (EIP-2159's common names). The chart sets no --metrics-category, so Besu
// exports its default categories: every BesuMetricCategory but the two RocksDB ones (DEFAULT_METRIC_CATEGORIES in the
// same file), which covers blockchain, ethereum and transaction_pool.
// How these are tied to 25.8 — not read at the 25.8.0 tag itself: the search index holds no commit known to be the tag
// (no tagged gradle.properties or release-commit CHANGELOG among its versions), and its stored versions carry no date.
// - The names are registered identically at every stored version read: DefaultBlockchain at hyperledger/besu 012ad6c4
//   and at besu-eth/besu 220c12bb (the project's later home), EthPeers at hyperledger/besu 000f08d1 and at
//   besu-eth/besu 05b0b233; TransactionPoolMetrics only at hyperledger/besu ea3ae24f (besu-eth/besu has no copy).
// - The 25.8.0 section of the release notes (CHANGELOG.md at besu-eth/besu 00fe97c9, which runs to 26.9.0) removes or
//   renames no metric; it adds one (eth_call gas usage, #9019). Nor do the neighbouring sections read there (25.9.0, 25.10.0-RC1/RC2).
// The signer metrics are this repository's own exporter (ops/signer-exporter), which reads Besu's
// qbft_getSignerMetrics JSON-RPC: Besu registers no per-validator QBFT metric.

/** Where a metric comes from. */
export interface MetricSource {
    /** Which scrape job exports it (monitoring/rules use the same job names: stack/names.ts MONITORING_JOBS). */
    readonly exporter: "besu" | "kubelet" | "cadvisor" | "kubelet-resource" | "prometheus" | "signer-exporter";
    /** The source file or documentation page that defines the name. */
    readonly source: string;
}

const DEFAULT_BLOCKCHAIN = "ethereum/core/src/main/java/org/hyperledger/besu/ethereum/chain/DefaultBlockchain.java (createGauges)";
const TX_POOL_METRICS = "ethereum/eth/src/main/java/org/hyperledger/besu/ethereum/eth/transactions/TransactionPoolMetrics.java";
const KUBELET_VOLUME = "kubernetes pkg/kubelet/metrics/collectors/volume_stats.go (labels namespace, persistentvolumeclaim)";
const SIGNER_EXPORTER = "this repository's ops/signer-exporter/exporter.ts (SIGNER_METRICS), job chain138-signers";
const RESOURCE_METRICS = "kubernetes pkg/kubelet/metrics/collectors/resource_metrics.go (kubelet /metrics/resource)";

export const KNOWN_METRICS: Readonly<Record<string, MetricSource>> = {
    // ETHEREUM category (no prefix): BesuMetricCategory ETHEREUM("ethereum", false).
    ethereum_blockchain_height: { exporter: "besu", source: `${DEFAULT_BLOCKCHAIN}: ETHEREUM "blockchain_height"` },
    ethereum_peer_count: {
        exporter: "besu",
        source: 'ethereum/eth/src/main/java/org/hyperledger/besu/ethereum/eth/manager/EthPeers.java (constructor): ETHEREUM "peer_count"',
    },
    // BLOCKCHAIN category: besu_blockchain_*.
    besu_blockchain_chain_head_timestamp: { exporter: "besu", source: `${DEFAULT_BLOCKCHAIN}: BLOCKCHAIN "chain_head_timestamp"` },
    besu_blockchain_chain_head_transaction_count: { exporter: "besu", source: `${DEFAULT_BLOCKCHAIN}: BLOCKCHAIN "chain_head_transaction_count"` },
    besu_blockchain_chain_head_gas_used: { exporter: "besu", source: `${DEFAULT_BLOCKCHAIN}: BLOCKCHAIN "chain_head_gas_used"` },
    besu_blockchain_chain_head_gas_limit: { exporter: "besu", source: `${DEFAULT_BLOCKCHAIN}: BLOCKCHAIN "chain_head_gas_limit"` },
    // TRANSACTION_POOL category (layered pool, Besu's default): besu_transaction_pool_*, labelled by layer.
    besu_transaction_pool_number_of_transactions: { exporter: "besu", source: `${TX_POOL_METRICS}: TRANSACTION_POOL "number_of_transactions" (label layer)` },
    besu_transaction_pool_added_total: { exporter: "besu", source: `${TX_POOL_METRICS}: TRANSACTION_POOL ADDED_COUNTER_NAME "added_total"` },
    // The signer exporter (ours): Besu's qbft_getSignerMetrics and eth_blockNumber as gauges.
    chain138_signer_exporter_up: { exporter: "signer-exporter", source: SIGNER_EXPORTER },
    chain138_signer_exporter_last_success_timestamp_seconds: { exporter: "signer-exporter", source: SIGNER_EXPORTER },
    chain138_qbft_head_block_number: { exporter: "signer-exporter", source: SIGNER_EXPORTER },
    chain138_qbft_signer_window_blocks: { exporter: "signer-exporter", source: SIGNER_EXPORTER },
    chain138_qbft_validator_proposed_blocks: { exporter: "signer-exporter", source: `${SIGNER_EXPORTER} (labels validator, node)` },
    chain138_qbft_validator_last_proposed_block: { exporter: "signer-exporter", source: `${SIGNER_EXPORTER} (labels validator, node)` },
    // Prometheus itself: every scrape target's synthetic series.
    up: { exporter: "prometheus", source: "Prometheus docs 'Jobs and instances', section 'Automatically generated labels and time series'" },
    // Kubelet volume statistics (PVCs), /metrics.
    kubelet_volume_stats_available_bytes: { exporter: "kubelet", source: KUBELET_VOLUME },
    kubelet_volume_stats_capacity_bytes: { exporter: "kubelet", source: KUBELET_VOLUME },
    kubelet_volume_stats_used_bytes: { exporter: "kubelet", source: KUBELET_VOLUME },
    // Kubelet resource metrics, /metrics/resource (node and container usage).
    node_cpu_usage_seconds_total: { exporter: "kubelet-resource", source: RESOURCE_METRICS },
    node_memory_working_set_bytes: { exporter: "kubelet-resource", source: RESOURCE_METRICS },
    container_cpu_usage_seconds_total: { exporter: "kubelet-resource", source: RESOURCE_METRICS },
    container_memory_working_set_bytes: { exporter: "kubelet-resource", source: RESOURCE_METRICS },
};
