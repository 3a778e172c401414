// The regional agent's prometheus.yml under the real `promtool check config`, and what its relabelling promises:
// Besu pods only (the chart's labels, port "metrics"), region/role/node labels, readiness on `up` only, kubelet
// endpoints with the service-account token, one remote write with basic auth and no credentials in the URL.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { agentPrometheusConfig, type AgentFiles } from "../../components/monitoring/agent-config";
import { promtool, tempDir } from "../support/promtool";

type Job = {
    job_name: string;
    relabel_configs: { source_labels?: string[]; regex?: string; action?: string; target_label?: string }[];
    metric_relabel_configs?: { regex?: string; action?: string; source_labels?: string[] }[];
    kubernetes_sd_configs: { role: string; namespaces?: { names: string[] } }[];
    authorization?: { credentials_file: string };
};

describe("regional agent config", () => {
    it("passes promtool check config", () => {
        const work = tempDir("chain138-agent-");
        try {
            // promtool checks that referenced files exist: give it real ones.
            const files: AgentFiles = {
                serviceAccountToken: join(work.dir, "token"),
                serviceAccountCa: join(work.dir, "ca.crt"),
                remoteWritePassword: join(work.dir, "password"),
                remoteWriteCa: join(work.dir, "remote-write-ca.crt"),
            };
            for (const file of Object.values(files)) writeFileSync(file, "x\n");
            const config = agentPrometheusConfig({
                region: "uksouth",
                remoteWriteUrl: "https://10.0.31.254:9091/api/v1/write",
                remoteWriteUsername: "uksouth",
                files,
            });
            // Debian builds Prometheus without Kubernetes service discovery (its promtool rejects the field
            // kubernetes_sd_configs as unknown), so the discovery block is swapped for a static target here: promtool
            // still checks every relabel rule, regex, auth file and the remote write. The discovery side runs for
            // real in monitoring-pipeline.test.ts through file_sd with the same meta labels.
            for (const job of config["scrape_configs"] as Record<string, unknown>[]) {
                delete job["kubernetes_sd_configs"];
                job["static_configs"] = [{ targets: ["127.0.0.1:9545"] }];
            }
            const path = join(work.dir, "prometheus.yml");
            writeFileSync(path, stringify(config));
            const run = promtool(["check", "config", path]);
            assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
            assert.match(run.stdout, /SUCCESS/);
        } finally {
            work.cleanup();
        }
    });

    it("scrapes Besu pods of the chart by port name and labels them region, role and node", () => {
        const config = agentPrometheusConfig({
            region: "uksouth",
            remoteWriteUrl: "https://10.0.31.254:9091/api/v1/write",
            remoteWriteUsername: "uksouth",
        }) as {
            global: { external_labels: Record<string, string> };
            scrape_configs: Job[];
            remote_write: { url: string; basic_auth: { username: string; password_file: string }; tls_config: { ca_file: string } }[];
        };
        assert.deepEqual(config.global.external_labels, { region: "uksouth" });
        const besu = config.scrape_configs.find((j) => j.job_name === "chain138-besu")!;
        assert.deepEqual(besu.kubernetes_sd_configs, [{ role: "pod", namespaces: { names: ["besu"] } }]);
        // kubernetes_sd pod role meta labels (Prometheus docs): label names sanitised to [a-zA-Z0-9_].
        const keeps = besu.relabel_configs.filter((r) => r.action === "keep").map((r) => `${r.source_labels?.join(",")}=${r.regex}`);
        assert.ok(keeps.includes("__meta_kubernetes_pod_label_app_kubernetes_io_name=besu-node"));
        assert.ok(keeps.includes("__meta_kubernetes_pod_container_port_name=metrics"));
        const target = (label: string) => besu.relabel_configs.find((r) => r.target_label === label)?.source_labels;
        assert.deepEqual(target("role"), ["__meta_kubernetes_pod_label_app_kubernetes_io_component"]);
        assert.deepEqual(target("node"), ["__meta_kubernetes_pod_label_chain138_io_node"]);
        assert.deepEqual(target("pod_ready"), ["__meta_kubernetes_pod_ready"]);
        assert.deepEqual(besu.metric_relabel_configs, [{ regex: "pod_ready", action: "labeldrop" }]);
        // The signer exporter's pods in the Besu namespace, by their labels and port; no node/role target label (its
        // series carry the validator's node themselves; Prometheus would rename a clashing one to exported_node).
        const signers = config.scrape_configs.find((j) => j.job_name === "chain138-signers")!;
        assert.deepEqual(signers.kubernetes_sd_configs, [{ role: "pod", namespaces: { names: ["besu"] } }]);
        const signerKeeps = signers.relabel_configs.filter((r) => r.action === "keep").map((r) => `${r.source_labels?.join(",")}=${r.regex}`);
        assert.ok(signerKeeps.includes("__meta_kubernetes_pod_label_app_kubernetes_io_name=signer-exporter"));
        assert.ok(signerKeeps.includes("__meta_kubernetes_pod_container_port_name=metrics"));
        assert.deepEqual(
            signers.relabel_configs.flatMap((r) => (r.target_label === undefined ? [] : [r.target_label])),
            ["instance"],
        );
        for (const job of config.scrape_configs.filter((j) => j.job_name !== "chain138-besu" && j.job_name !== "chain138-signers")) {
            assert.deepEqual(job.kubernetes_sd_configs, [{ role: "node" }]);
            assert.equal(job.authorization?.credentials_file, "/var/run/secrets/kubernetes.io/serviceaccount/token");
        }
        assert.equal(config.remote_write.length, 1);
        assert.equal(config.remote_write[0].basic_auth.username, "uksouth");
        // The receiver's certificate is checked against the stack CA the pod mounts, not the system roots.
        assert.equal(config.remote_write[0].tls_config.ca_file, "/etc/prometheus/remote-write-ca/ca.crt");
    });

    it("refuses credentials in the URL, plain http and a region that is not a location, naming them", () => {
        assert.throws(
            () => agentPrometheusConfig({ region: "uksouth", remoteWriteUrl: "https://u:p@10.0.0.1:9091/api/v1/write", remoteWriteUsername: "uksouth" }),
            /uksouth: remoteWriteUrl must not carry credentials/,
        );
        // The basic-auth password would cross the peered VNets in clear.
        assert.throws(
            () => agentPrometheusConfig({ region: "uksouth", remoteWriteUrl: "http://10.0.0.1:9091/api/v1/write", remoteWriteUsername: "uksouth" }),
            /uksouth: remoteWriteUrl must be https/,
        );
        assert.throws(() => agentPrometheusConfig({ region: "UK South", remoteWriteUrl: "http://10.0.0.1/", remoteWriteUsername: "x" }), /region must be/);
    });
});
