// The admin region's remote-write endpoint for the regional agents: an internal load balancer (private path over the
// hub's VNet peerings) in front of an nginx that terminates TLS (a certificate for the load balancer's IP from the
// stack CA, components/rpc-tls.ts, which the agents pin), checks each region's basic-auth credentials and forwards
// only POST /api/v1/write to the admin Prometheus.
//
// Why a proxy: Prometheus's own authentication is web.config.file basic_auth_users for every endpoint, and
// prometheus-operator's PrometheusSpec `web` field renders only TLS and HTTP-header settings into that file (no
// basic_auth_users), so the operator-managed Prometheus cannot require credentials on /api/v1/write. The proxy
// also keeps the query API and UI off the load balancer: only the write path is exposed.
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { REMOTE_WRITE_PATH, REMOTE_WRITE_PORT } from "../../stack/names";
import type { RpcServerCertificate } from "../rpc-tls";
import { regionRemoteWritePassword, sshaHtpasswdLine } from "./credentials";

/** nginx, unprivileged build (listens on a high port, runs as uid 101): fits Pod Security "restricted". */
export const RECEIVER_IMAGE = "docker.io/nginxinc/nginx-unprivileged:1.29-alpine";

/** Arguments of {@link deployRemoteWriteReceiver}. */
export interface RemoteWriteReceiverArgs {
    /** Namespace of the admin monitoring stack (must exist). */
    namespace: pulumi.Input<string>;
    /** The static private IP of the internal load balancer (in `subnetName`). */
    staticIp: pulumi.Input<string>;
    /** The subnet of the admin VNet the load balancer's frontend takes its IP from. */
    subnetName: pulumi.Input<string>;
    /** loadBalancerSourceRanges (the spokes' node subnets); the NSG and the password already refuse others. Default none. */
    sourceRanges?: string[];
    /** Regions whose agents may write (each is a basic-auth user). */
    regions: readonly string[];
    /** The stack's remote-write secret (config monitoring.remoteWriteSecret); passwords derive from it. */
    remoteWriteSecret: pulumi.Input<string>;
    /** In-cluster URL of the admin Prometheus (kube-prometheus-stack's Service, port 9090). */
    prometheusUrl: string;
    /** The server certificate for `staticIp` (an IP SAN), signed by the stack CA the agents pin. */
    tls: RpcServerCertificate;
    image?: string;
}

/** What {@link deployRemoteWriteReceiver} created. */
export interface RemoteWriteReceiver {
    service: k8s.core.v1.Service;
    deployment: k8s.apps.v1.Deployment;
    /** The URL agents write to: `https://<staticIp>:<port>/api/v1/write`. */
    url: pulumi.Output<string>;
}

/** Where the proxy listens and finds its htpasswd and TLS files (tests run the same file on loopback). */
export interface ReceiverNginxOptions {
    listen?: string;
    htpasswdPath?: string;
    certificatePath?: string;
    privateKeyPath?: string;
}

/** Where the pod mounts the receiver's TLS Secret (kubernetes.io/tls keys tls.crt, tls.key). */
const TLS_DIR = "/etc/nginx/tls";

/** nginx.conf of the proxy: basic auth on the write path, 404 for everything else. */
export function receiverNginxConfig(prometheusUrl: string, options: ReceiverNginxOptions = {}): string {
    const upstream = new URL(prometheusUrl);
    if (upstream.protocol !== "http:" || upstream.pathname !== "/") throw new Error(`receiver: prometheusUrl must be http://host:port; got ${prometheusUrl}`);
    return [
        "worker_processes 1;",
        "pid /tmp/nginx.pid;",
        "error_log stderr warn;",
        "events { worker_connections 1024; }",
        "http {",
        "  client_body_temp_path /tmp/client_temp;",
        "  proxy_temp_path /tmp/proxy_temp;",
        // nginx creates every temp directory at start-up, used or not: all under the writable /tmp (the root
        // filesystem is read-only).
        "  fastcgi_temp_path /tmp/fastcgi_temp;",
        "  uwsgi_temp_path /tmp/uwsgi_temp;",
        "  scgi_temp_path /tmp/scgi_temp;",
        "  access_log off;",
        "  server {",
        `    listen ${options.listen ?? String(REMOTE_WRITE_PORT)} ssl;`,
        // TLS 1.2 and 1.3 only: what Prometheus's remote-write client offers (Go crypto/tls defaults to ≥ 1.2).
        `    ssl_certificate ${options.certificatePath ?? `${TLS_DIR}/tls.crt`};`,
        `    ssl_certificate_key ${options.privateKeyPath ?? `${TLS_DIR}/tls.key`};`,
        "    ssl_protocols TLSv1.2 TLSv1.3;",
        // A remote-write request is a snappy-compressed batch (Prometheus remote_write queue_config max 2000 samples).
        "    client_max_body_size 16m;",
        `    location = ${REMOTE_WRITE_PATH} {`,
        "      limit_except POST { deny all; }",
        '      auth_basic "chain138 remote write";',
        `      auth_basic_user_file ${options.htpasswdPath ?? "/etc/nginx/auth/htpasswd"};`,
        `      proxy_pass ${upstream.origin}${REMOTE_WRITE_PATH};`,
        '      proxy_set_header Authorization "";',
        "    }",
        "    location = /healthz { return 200; }",
        "    location / { return 404; }",
        "  }",
        "}",
        "",
    ].join("\n");
}

/**
 * Creates the htpasswd Secret, the nginx ConfigMap and Deployment, and the internal LoadBalancer Service on
 * `staticIp` in `subnetName` (AKS internal load balancer annotations: azure-load-balancer-internal,
 * azure-load-balancer-internal-subnet, azure-load-balancer-ipv4).
 */
export function deployRemoteWriteReceiver(
    name: string,
    args: RemoteWriteReceiverArgs,
    opts: { parent: pulumi.Resource; provider: k8s.Provider; dependsOn?: pulumi.Input<pulumi.Resource>[] },
): RemoteWriteReceiver {
    if (args.regions.length === 0) throw new Error("remote-write receiver: no regions to admit");
    const child = { parent: opts.parent, provider: opts.provider, dependsOn: opts.dependsOn };
    const labels = { "app.kubernetes.io/name": "remote-write-receiver", "app.kubernetes.io/part-of": "chain138" };
    const htpasswd = pulumi.secret(
        pulumi
            .all(args.regions.map((region) => regionRemoteWritePassword(args.remoteWriteSecret, region)))
            .apply((passwords) => args.regions.map((region, i) => sshaHtpasswdLine(region, passwords[i])).join("\n") + "\n"),
    );
    const auth = new k8s.core.v1.Secret(
        `${name}-htpasswd`,
        { metadata: { name: "remote-write-htpasswd", namespace: args.namespace, labels }, type: "Opaque", stringData: { htpasswd } },
        { ...child, additionalSecretOutputs: ["data", "stringData"] },
    );
    const tlsSecret = new k8s.core.v1.Secret(
        `${name}-tls`,
        {
            metadata: { name: "remote-write-receiver-tls", namespace: args.namespace, labels },
            type: "kubernetes.io/tls",
            stringData: { "tls.crt": args.tls.certificatePem, "tls.key": args.tls.privateKeyPem },
        },
        { ...child, additionalSecretOutputs: ["data", "stringData"] },
    );
    const nginxConf = receiverNginxConfig(args.prometheusUrl);
    const config = new k8s.core.v1.ConfigMap(
        `${name}-config`,
        { metadata: { name: "remote-write-receiver", namespace: args.namespace, labels }, data: { "nginx.conf": nginxConf } },
        child,
    );
    const deployment = new k8s.apps.v1.Deployment(
        `${name}-deployment`,
        {
            metadata: { name: "remote-write-receiver", namespace: args.namespace, labels },
            spec: {
                replicas: 2,
                selector: { matchLabels: labels },
                template: {
                    metadata: {
                        labels,
                        annotations: {
                            "chain138.io/config-sha256": createHash("sha256").update(nginxConf).digest("hex"),
                            "chain138.io/htpasswd-sha256": htpasswd.apply((h) => createHash("sha256").update(h).digest("hex")),
                            // nginx reads its certificate at start: a renewed one rolls the pods.
                            "chain138.io/tls-sha256": args.tls.checksum,
                        },
                    },
                    spec: {
                        // fsGroup 101: the TLS key is mounted 0440 root:fsGroup, readable by nginx (uid 101) alone.
                        securityContext: { runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, fsGroup: 101, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [
                            {
                                name: "nginx",
                                image: args.image ?? RECEIVER_IMAGE,
                                ports: [{ name: "remote-write", containerPort: REMOTE_WRITE_PORT }],
                                readinessProbe: { httpGet: { path: "/healthz", port: "remote-write", scheme: "HTTPS" }, periodSeconds: 10 },
                                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                                volumeMounts: [
                                    { name: "config", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf", readOnly: true },
                                    { name: "auth", mountPath: "/etc/nginx/auth", readOnly: true },
                                    { name: "tls", mountPath: TLS_DIR, readOnly: true },
                                    { name: "tmp", mountPath: "/tmp" },
                                ],
                            },
                        ],
                        volumes: [
                            { name: "config", configMap: { name: config.metadata.name } },
                            { name: "auth", secret: { secretName: auth.metadata.name } },
                            { name: "tls", secret: { secretName: tlsSecret.metadata.name, defaultMode: 0o440 } },
                            { name: "tmp", emptyDir: {} },
                        ],
                    },
                },
            },
        },
        child,
    );
    const service = new k8s.core.v1.Service(
        `${name}-service`,
        {
            metadata: {
                name: "remote-write-receiver",
                namespace: args.namespace,
                labels,
                annotations: {
                    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
                    "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": args.subnetName,
                    "service.beta.kubernetes.io/azure-load-balancer-ipv4": args.staticIp,
                },
            },
            spec: {
                type: "LoadBalancer",
                ...(args.sourceRanges === undefined ? {} : { loadBalancerSourceRanges: args.sourceRanges }),
                selector: labels,
                ports: [{ name: "remote-write", port: REMOTE_WRITE_PORT, targetPort: "remote-write", protocol: "TCP" }],
            },
        },
        child,
    );
    // The certificate's only name is this IP (an IP SAN): the agents dial the IP and Go's crypto/tls checks IP SANs
    // for an IP host (RFC 6125 §6.2.1; crypto/x509 Certificate.VerifyHostname).
    const url = pulumi.interpolate`https://${args.staticIp}:${REMOTE_WRITE_PORT}${REMOTE_WRITE_PATH}`;
    return { service, deployment, url };
}
