// The chart's public JSON-RPC gateway run for real: helm renders charts/besu-node with the gateway on, the rendered
// nginx.conf is started with Debian's nginx on 127.0.0.1 in front of an anvil node, with a CA and server certificate
// made by openssl the way components/rpc-tls.ts makes them (ECDSA P-256, the endpoint's IP as the only SAN). Only the
// deployment-specific paths and addresses of the rendered file are rewritten (listen port, certificate directory,
// upstream address, temp paths); every directive that decides what the gateway admits is the chart's own.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { freePort } from "../../devkit/anvil";
import { rpcChartValues } from "../../components/region-deployment";
import { renderBesuChartYaml } from "./policy-chart";

/** Both endpoints on, as components/region-deployment.ts sets them for a peered region with public RPC. */
export const ENDPOINT_VALUES = {
    rpc: rpcChartValues({
        privateIp: "10.14.16.4",
        hubCidr: "10.0.0.0/20",
        publicIp: "20.1.2.3",
        publicIpName: "japaneast-rpc",
        allowedCidrs: ["145.100.7.0/24"],
        corsOrigins: [],
        tlsChecksum: "x",
        publicHostname: "japaneast.rpc.example.org",
    }),
};

/** A CA and a server certificate for `ip` (PEM files in `dir`). */
export interface TestPki {
    dir: string;
    caPem: string;
    certFile: string;
    keyFile: string;
}

/**
 * Makes a CA and a server certificate whose only subject is the IP SAN `ip` (as components/rpc-tls.ts does), or, for a
 * host name, a DNS SAN (as a public CA issues for an operator's domain).
 */
export function makePki(ip: string): TestPki {
    const san = /^[0-9.]+$/.test(ip) ? `IP:${ip}` : `DNS:${ip}`;
    const dir = mkdtempSync(path.join(tmpdir(), "rpc-pki-"));
    const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    run([
        "req",
        "-x509",
        ...ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=Chain 138 RPC CA (test)",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    run(["req", ...ec, "-keyout", "tls.key", "-out", "tls.csr", "-subj", `/CN=${ip}`]);
    writeFileSync(path.join(dir, "ext.cnf"), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n`);
    run(["x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tls.crt", "-days", "2", "-extfile", "ext.cnf"]);
    return { dir, caPem: readFileSync(path.join(dir, "ca.crt"), "utf8"), certFile: path.join(dir, "tls.crt"), keyFile: path.join(dir, "tls.key") };
}

/** The gateway's nginx.conf as the chart renders it for a region whose public IP is `publicIp`. */
export function renderedGatewayConf(publicIp: string, overrides: Record<string, unknown> = {}): string {
    const manifests = renderBesuChartYaml("japaneast", "besu", {
        rpc: {
            gateway: {
                enabled: true,
                publicIp,
                publicIpName: "test-rpc",
                sourceRanges: ["203.0.113.7/32"],
                tlsSecretName: "besu-rpc-tls",
                tlsChecksum: "test",
                ...overrides,
            },
        },
    });
    for (const doc of parseAllDocuments(manifests)) {
        const object = doc.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> } | null;
        if (object?.kind === "ConfigMap" && object.metadata?.name?.endsWith("-rpc-gateway")) return object.data!["nginx.conf"];
    }
    throw new Error("the chart rendered no rpc-gateway ConfigMap");
}

/** A running gateway. */
export interface RunningGateway {
    url: string;
    port: number;
    stop(): Promise<void>;
}

/** Rewrites the rendered file's deployment-specific paths and addresses for a local run. */
export function localGatewayConf(conf: string, opts: { port: number; pki: TestPki; publicPki?: TestPki; upstream: string; runDir: string }): string {
    const swaps: [RegExp, string][] = [
        [/\/tmp\//g, `${opts.runDir}/`],
        [/listen 8443 ssl/g, `listen 127.0.0.1:${opts.port} ssl`],
        [/ssl_certificate \/etc\/rpc-gateway\/tls\/tls\.crt;/, `ssl_certificate ${opts.pki.certFile};`],
        [/ssl_certificate_key \/etc\/rpc-gateway\/tls\/tls\.key;/, `ssl_certificate_key ${opts.pki.keyFile};`],
        ...(opts.publicPki === undefined
            ? []
            : ([
                  [/ssl_certificate \/etc\/rpc-gateway\/public-tls\/tls\.crt;/, `ssl_certificate ${opts.publicPki.certFile};`],
                  [/ssl_certificate_key \/etc\/rpc-gateway\/public-tls\/tls\.key;/, `ssl_certificate_key ${opts.publicPki.keyFile};`],
              ] as [RegExp, string][])),
        [/server \S+\.svc\.cluster\.local:\d+;/, `server ${opts.upstream};`],
        // Node gives a child's stdio as sockets, which open("/dev/stderr") cannot reopen (ENXIO); a container's is a pipe.
        [/error_log \/dev\/stderr/, `error_log ${opts.runDir}/error.log`],
    ];
    let local = conf;
    for (const [pattern, replacement] of swaps) {
        if (!pattern.test(local)) throw new Error(`rendered nginx.conf has no ${pattern}: the chart changed; update this harness`);
        local = local.replace(pattern, replacement);
    }
    // The master runs as root here and would hand workers to "nobody"; keep them as root so they can write the temp dirs.
    return `user root;\n${local}`;
}

/** `nginx -t` on a config file; returns nginx's output (throws with it when the config is refused). */
export function checkNginxConf(file: string, prefix: string): string {
    return execFileSync("nginx", ["-t", "-p", prefix, "-c", file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Starts the chart's gateway on a free port in front of `upstream` (host:port), serving the certificate of `pki`. */
export async function startGateway(upstream: string, pki: TestPki, conf = renderedGatewayConf("127.0.0.1"), publicPki?: TestPki): Promise<RunningGateway> {
    const port = await freePort();
    const runDir = mkdtempSync(path.join(tmpdir(), "rpc-gw-"));
    mkdirSync(path.join(runDir, "logs"), { recursive: true });
    const file = path.join(runDir, "nginx.conf");
    writeFileSync(file, localGatewayConf(conf, { port, pki, publicPki, upstream, runDir }));
    checkNginxConf(file, runDir);
    const child: ChildProcess = spawn("nginx", ["-p", runDir, "-c", file, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
        try {
            execFileSync("curl", ["-sk", "--max-time", "1", `https://127.0.0.1:${port}/healthz`], { stdio: "ignore" });
            break;
        } catch {
            if (child.exitCode !== null || Date.now() > deadline) {
                child.kill("SIGKILL");
                throw new Error(`nginx did not start: ${stderr}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    }
    return {
        url: `https://127.0.0.1:${port}`,
        port,
        async stop() {
            if (child.exitCode === null) {
                const exited = new Promise((resolve) => child.once("exit", resolve));
                child.kill("SIGQUIT");
                await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
                if (child.exitCode === null) child.kill("SIGKILL");
            }
            rmSync(runDir, { recursive: true, force: true });
        },
    };
}
