// The admin region's remote-write endpoint for the regional agents: an internal load balancer (private path over the
// hub's VNet peerings) in front of an nginx that checks each region's basic-auth credentials and forwards only
// POST /api/v1/write to the admin Prometheus.
//
// Why a proxy: Prometheus's own authentication is web.config.file basic_auth_users for every endpoint, and
// prometheus-operator's PrometheusSpec `web` field renders only TLS and HTTP-header settings into that file (no
// basic_auth_users), so the operator-managed Prometheus cannot require credentials on /api/v1/write. The proxy
// also keeps the query API and UI off the load balancer: only the write path is exposed.
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { REMOTE_WRITE_PATH, REMOTE_WRITE_PORT } from "../../stack/names";
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
    image?: string;
}

/** What {@link deployRemoteWriteReceiver} created. */
export interface RemoteWriteReceiver {
    service: k8s.core.v1.Service;
    deployment: k8s.apps.v1.Deployment;
    /** The URL agents write to: `http://<staticIp>:<port>/api/v1/write`. */
    url: pulumi.Output<string>;
}

/** Where the proxy listens and finds its htpasswd (tests run the same file on loopback). */
export interface ReceiverNginxOptions {
    listen?: string;
    htpasswdPath?: string;
}

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
        `    listen ${options.listen ?? String(REMOTE_WRITE_PORT)};`,
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
                        },
                    },
                    spec: {
                        securityContext: { runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [
                            {
                                name: "nginx",
                                image: args.image ?? RECEIVER_IMAGE,
                                ports: [{ name: "remote-write", containerPort: REMOTE_WRITE_PORT }],
                                readinessProbe: { httpGet: { path: "/healthz", port: "remote-write" }, periodSeconds: 10 },
                                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                                volumeMounts: [
                                    { name: "config", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf", readOnly: true },
                                    { name: "auth", mountPath: "/etc/nginx/auth", readOnly: true },
                                    { name: "tmp", mountPath: "/tmp" },
                                ],
                            },
                        ],
                        volumes: [
                            { name: "config", configMap: { name: config.metadata.name } },
                            { name: "auth", secret: { secretName: auth.metadata.name } },
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
    const url = pulumi.interpolate`http://${args.staticIp}:${REMOTE_WRITE_PORT}${REMOTE_WRITE_PATH}`;
    return { service, deployment, url };
}
