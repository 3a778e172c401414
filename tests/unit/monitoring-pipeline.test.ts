// The metrics path end to end with real binaries on loopback: a Prometheus in agent mode with the regional agent's
// configuration scrapes a stand-in Besu /metrics, remote-writes over TLS through the receiver's nginx (a server
// certificate for the IP it is dialled on, from a CA the agent pins; basic auth against the htpasswd the program
// generates) into a Prometheus with the remote-write receiver and our rules; the series arrive labelled
// region/role/node, readiness only on `up`, and the recording rules compute on them. A second agent pinning another CA
// is refused at the handshake.
//
// Certificates: openssl makes them in the shape components/rpc-tls.ts gives the receiver (ECDSA P-256 CA; server
// certificate with the IP as its only SAN, serverAuth), so the real Go TLS client of Prometheus and nginx's OpenSSL
// judge the same kind of chain as in the cluster.
//
// Stand-ins: Debian's Prometheus has no Kubernetes discovery, so the pod targets come from file_sd carrying the meta
// labels Kubernetes discovery gives a pod (Prometheus docs, kubernetes_sd_config, role `pod`); Besu is a small HTTP
// server serving the metric names Besu registers (components/monitoring/metric-names.ts).
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { agentPrometheusConfig } from "../../components/monitoring/agent-config";
import { derivePassword, sshaHtpasswdLine } from "../../components/monitoring/credentials";
import { fleetExpectationRules } from "../../components/monitoring/expectations";
import { receiverNginxConfig } from "../../components/monitoring/remote-write-receiver";
import { loadRuleFiles } from "../../components/monitoring/rule-files";
import { tempDir } from "../support/promtool";

const REGION = "uksouth";
const SECRET = "pipeline-test-secret-0123456789abcdef";
const DEADLINE_MS = 60_000;

async function freePort(): Promise<number> {
    const server = createTcpServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

const children: ChildProcess[] = [];
function start(command: string, args: string[], log: string[]): ChildProcess {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
    child.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
    child.on("error", (e) => log.push(`spawn ${command}: ${e.message}`));
    children.push(child);
    return child;
}

/** Polls `probe` every 500 ms until it returns a value, at most DEADLINE_MS. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, log: string[]): Promise<T> {
    const end = Date.now() + DEADLINE_MS;
    while (Date.now() < end) {
        const value = await probe().catch(() => undefined);
        if (value !== undefined) return value;
        await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${what}: not within ${DEADLINE_MS} ms\n${log.join("").slice(-4000)}`);
}

type Sample = { metric: Record<string, string>; value: [number, string] };
async function query(port: number, promql: string): Promise<Sample[]> {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { data: { result: Sample[] } };
    return body.data.result;
}

/** A CA (ECDSA P-256) and, when `serverIp` is given, a server certificate for that IP signed by it, made by openssl. */
function makeCa(dir: string, name: string, serverIp?: string): { ca: string; cert: string; key: string } {
    const path = (file: string) => join(dir, `${name}-${file}`);
    const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("ca.key"));
    openssl(
        "req", "-x509", "-new", "-key", path("ca.key"), "-subj", `/CN=${name} CA`, "-days", "2", "-out", path("ca.crt"),
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    ); // prettier-ignore
    if (serverIp !== undefined) {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("server.key"));
        openssl("req", "-new", "-key", path("server.key"), "-subj", `/CN=${serverIp}`, "-out", path("server.csr"));
        writeFileSync(
            path("server.ext"),
            `subjectAltName=IP:${serverIp}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
        );
        openssl(
            "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"), "-set_serial", "2",
            "-days", "2", "-extfile", path("server.ext"), "-out", path("server.crt"),
        ); // prettier-ignore
    }
    return { ca: path("ca.crt"), cert: path("server.crt"), key: path("server.key") };
}

/** A request to the receiver over TLS trusting only `ca` (PEM file); resolves to the HTTP status. */
function receiverRequest(port: number, ca: string, path: string, init: { method?: string; authorization?: string; body?: string } = {}): Promise<number> {
    return new Promise((resolve, reject) => {
        const req = httpsRequest(
            {
                host: "127.0.0.1",
                port,
                path,
                method: init.method ?? "GET",
                ca: readFileSync(ca),
                headers: init.authorization === undefined ? {} : { authorization: init.authorization },
                timeout: 5000,
            },
            (res) => {
                res.resume();
                resolve(res.statusCode ?? 0);
            },
        );
        req.on("timeout", () => req.destroy(new Error("timed out")));
        req.on("error", reject);
        req.end(init.body);
    });
}

let work: { dir: string; cleanup: () => void };
let pki: { ca: string; cert: string; key: string };
let wrongCa: string;
let besu: Server;
let adminPort: number;
let proxyPort: number;
const log: string[] = [];
const wrongAgentLog: string[] = [];

describe("metrics pipeline on loopback (real Prometheus agent, nginx receiver, Prometheus)", () => {
    before(async () => {
        work = tempDir("chain138-pipeline-");
        // nginx's workers run as an unprivileged user when the test runs as root: they must read the htpasswd.
        chmodSync(work.dir, 0o755);
        const now = () => Math.floor(Date.now() / 1000);
        besu = createServer((req, res) => {
            if (req.url !== "/metrics") return void res.writeHead(404).end();
            res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
            res.end(`ethereum_blockchain_height 1234\nethereum_peer_count 1\nbesu_blockchain_chain_head_timestamp ${now()}\n`);
        });
        await new Promise<void>((resolve) => besu.listen(0, "127.0.0.1", resolve));
        const besuPort = (besu.address() as AddressInfo).port;
        [adminPort, proxyPort] = [await freePort(), await freePort()];
        const agentPort = await freePort();

        // The admin Prometheus: remote-write receiver, our rules and the expectations of a one-region fleet.
        const rules = join(work.dir, "rules.yaml");
        const expectations = fleetExpectationRules({
            regions: [{ region: REGION, deployed: true }],
            validatorsPerRegion: 1,
            sentriesPerRegion: 0,
            blockPeriodSeconds: 2,
        });
        writeFileSync(rules, stringify({ groups: [...loadRuleFiles(), expectations] }));
        writeFileSync(join(work.dir, "admin.yml"), stringify({ global: { evaluation_interval: "1s" }, rule_files: [rules] }));
        mkdirSync(join(work.dir, "admin-data"));
        start(
            "prometheus",
            [
                `--config.file=${join(work.dir, "admin.yml")}`,
                `--storage.tsdb.path=${join(work.dir, "admin-data")}`,
                `--web.listen-address=127.0.0.1:${adminPort}`,
                "--web.enable-remote-write-receiver",
            ],
            log,
        );

        // The receiver proxy with the program's nginx.conf and htpasswd (only this region's entry).
        const htpasswd = join(work.dir, "htpasswd");
        writeFileSync(htpasswd, sshaHtpasswdLine(REGION, derivePassword(SECRET, REGION)) + "\n");
        pki = makeCa(work.dir, "stack", "127.0.0.1");
        wrongCa = makeCa(work.dir, "other").ca;
        const nginxConf = join(work.dir, "nginx.conf");
        writeFileSync(
            nginxConf,
            receiverNginxConfig(`http://127.0.0.1:${adminPort}`, {
                listen: `127.0.0.1:${proxyPort}`,
                htpasswdPath: htpasswd,
                certificatePath: pki.cert,
                privateKeyPath: pki.key,
            }),
        );
        start("nginx", ["-p", work.dir, "-e", "stderr", "-c", nginxConf, "-g", "daemon off;"], log);

        // The agent: the program's config, discovery swapped for file_sd with the pod meta labels.
        const password = join(work.dir, "password");
        writeFileSync(password, derivePassword(SECRET, REGION));
        const agentConfig = (ca: string) =>
            agentPrometheusConfig({
                region: REGION,
                remoteWriteUrl: `https://127.0.0.1:${proxyPort}/api/v1/write`,
                remoteWriteUsername: REGION,
                scrapeInterval: "1s",
                files: { serviceAccountToken: password, serviceAccountCa: password, remoteWritePassword: password, remoteWriteCa: ca },
            }) as { scrape_configs: Record<string, unknown>[]; remote_write: Record<string, unknown>[] };
        const config = agentConfig(pki.ca);
        const pod = (port: number, labels: Record<string, string>) => ({
            targets: [`127.0.0.1:${port}`],
            labels: {
                __meta_kubernetes_pod_label_app_kubernetes_io_name: "besu-node",
                __meta_kubernetes_pod_label_app_kubernetes_io_part_of: "chain138",
                __meta_kubernetes_pod_label_app_kubernetes_io_component: "validator",
                __meta_kubernetes_pod_label_chain138_io_node: `${REGION}-validator-0`,
                __meta_kubernetes_pod_container_port_name: "metrics",
                __meta_kubernetes_pod_ip: "127.0.0.1",
                __meta_kubernetes_pod_ready: "true",
                ...labels,
            },
        });
        const targets = join(work.dir, "pods.json");
        writeFileSync(
            targets,
            JSON.stringify([
                pod(besuPort, {}),
                // The same pod's RPC port, and a pod of another app: relabelling must drop both.
                pod(besuPort, { __meta_kubernetes_pod_container_port_name: "rpc-http", __meta_kubernetes_pod_label_chain138_io_node: "rpc-port" }),
                pod(besuPort, { __meta_kubernetes_pod_label_app_kubernetes_io_name: "other", __meta_kubernetes_pod_label_chain138_io_node: "other-app" }),
            ]),
        );
        const startAgent = (name: string, agent: ReturnType<typeof agentConfig>, agentLog: string[], port: number) => {
            const besuJob = agent.scrape_configs.find((j) => j["job_name"] === "chain138-besu")!;
            delete besuJob["kubernetes_sd_configs"];
            besuJob["file_sd_configs"] = [{ files: [targets] }];
            agent.scrape_configs = [besuJob];
            agent.remote_write[0]["queue_config"] = { batch_send_deadline: "1s", max_backoff: "1s" };
            writeFileSync(join(work.dir, `${name}.yml`), stringify(agent));
            mkdirSync(join(work.dir, `${name}-data`));
            start(
                "prometheus",
                [
                    "--enable-feature=agent",
                    `--config.file=${join(work.dir, `${name}.yml`)}`,
                    `--storage.agent.path=${join(work.dir, `${name}-data`)}`,
                    `--web.listen-address=127.0.0.1:${port}`,
                ],
                agentLog,
            );
        };
        startAgent("agent", config, log, agentPort);
        // The same agent pinning a CA that did not sign the receiver's certificate.
        startAgent("wrong-ca-agent", agentConfig(wrongCa), wrongAgentLog, await freePort());
    });

    after(async () => {
        for (const child of children) child.kill("SIGTERM");
        await Promise.all(
            children.map(
                (child) =>
                    new Promise<void>((resolve) => {
                        if (child.exitCode !== null || child.signalCode !== null) return resolve();
                        const timer = setTimeout(() => (child.kill("SIGKILL"), resolve()), 5000);
                        child.on("exit", () => (clearTimeout(timer), resolve()));
                    }),
            ),
        );
        await new Promise<void>((resolve) => besu?.close(() => resolve()));
        work?.cleanup();
    });

    it("delivers Besu's series labelled region, role and node, through the authenticated receiver", async () => {
        const series = await eventually(
            "ethereum_blockchain_height at the admin Prometheus",
            async () => {
                const result = await query(adminPort, 'ethereum_blockchain_height{job="chain138-besu"}');
                return result.length > 0 ? result : undefined;
            },
            log,
        );
        assert.equal(series.length, 1, "only the Besu pod's metrics port is scraped");
        assert.deepEqual(series[0].metric, {
            __name__: "ethereum_blockchain_height",
            job: "chain138-besu",
            instance: `${REGION}-validator-0`,
            region: REGION,
            role: "validator",
            node: `${REGION}-validator-0`,
        });
        assert.equal(series[0].value[1], "1234");
    });

    it("keeps readiness on up only, and drops the RPC port and other apps", async () => {
        const up = await eventually(
            "up",
            async () => {
                const result = await query(adminPort, 'up{job="chain138-besu"}');
                return result.length > 0 ? result : undefined;
            },
            log,
        );
        assert.deepEqual(
            up.map((s) => s.metric["node"]),
            [`${REGION}-validator-0`],
        );
        assert.equal(up[0].metric["pod_ready"], "true");
    });

    it("evaluates the recording rules on what arrived", async () => {
        const head = await eventually(
            "chain138:fleet_head_height",
            async () => {
                const result = await query(adminPort, "chain138:fleet_head_height");
                return result.length > 0 ? result : undefined;
            },
            log,
        );
        assert.equal(head[0].value[1], "1234");
    });

    it("the receiver refuses a wrong password and serves nothing but the write path", async () => {
        const wrong = await receiverRequest(proxyPort, pki.ca, "/api/v1/write", {
            method: "POST",
            authorization: `Basic ${Buffer.from(`${REGION}:${derivePassword(SECRET, "northeurope")}`).toString("base64")}`,
            body: "x",
        });
        assert.equal(wrong, 401);
        assert.equal(await receiverRequest(proxyPort, pki.ca, "/api/v1/query?query=up"), 404);
    });

    it("the receiver speaks TLS only, and a client pinning another CA is refused at the handshake", async () => {
        // Plain HTTP on the TLS port: nginx answers 400 ("plain HTTP request was sent to HTTPS port"), never the API.
        const plain = await fetch(`http://127.0.0.1:${proxyPort}/healthz`, { signal: AbortSignal.timeout(5000) });
        assert.equal(plain.status, 400);
        await assert.rejects(receiverRequest(proxyPort, wrongCa, "/healthz"), (e: NodeJS.ErrnoException) => {
            assert.match(String(e.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/);
            return true;
        });
        // The real agent with the wrong CA: Go's crypto/x509 refuses the chain, and it says so in its log.
        await eventually(
            "the wrong-CA agent's x509 refusal",
            async () => (/x509: certificate signed by unknown authority/.test(wrongAgentLog.join("")) ? true : undefined),
            wrongAgentLog,
        );
    });
});
