// What the fleet tool needs from a region's kubeconfig: the API server, its CA and how to authenticate.
import { parse } from "yaml";
import { z } from "zod";

/** The `users[].user.exec` block of a kubeconfig (client-go's ExecConfig). */
export interface ExecConfig {
    /** ExecCredential API version the plugin speaks, e.g. `client.authentication.k8s.io/v1beta1`. */
    apiVersion: string;
    command: string;
    args: string[];
    /** Extra environment for the plugin, on top of ours. */
    env: { name: string; value: string }[];
    /** Whether the plugin is handed the cluster (server, CA) in KUBERNETES_EXEC_INFO. */
    provideClusterInfo: boolean;
    /** `Never`, `IfAvailable` or `Always`; we never have a terminal, so `Always` cannot work. */
    interactiveMode: string | undefined;
}

/** How requests authenticate: a kubelogin-style exec plugin, a static token, or a client certificate. */
export type ClusterAuth =
    | { kind: "exec"; exec: ExecConfig }
    | { kind: "token"; token: string }
    | { kind: "clientCertificate"; certPem: Buffer; keyPem: Buffer };

/** One cluster's API endpoint and credentials, resolved through the kubeconfig's current context. */
export interface ClusterAccess {
    server: URL;
    /** PEM bundle from `certificate-authority-data`; undefined means the system CAs. */
    caPem: Buffer | undefined;
    /** TLS server name when it differs from the server's host (`tls-server-name`). */
    tlsServerName: string | undefined;
    auth: ClusterAuth;
}

const kubeconfigSchema = z.object({
    "current-context": z.string().nullish(),
    clusters: z.array(
        z.object({
            name: z.string(),
            cluster: z.object({
                server: z.string(),
                "certificate-authority-data": z.string().nullish(),
                "tls-server-name": z.string().nullish(),
                "insecure-skip-tls-verify": z.boolean().nullish(),
            }),
        }),
    ),
    contexts: z.array(z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string() }) })),
    users: z.array(
        z.object({
            name: z.string(),
            user: z.object({
                token: z.string().nullish(),
                "client-certificate-data": z.string().nullish(),
                "client-key-data": z.string().nullish(),
                exec: z
                    .object({
                        apiVersion: z.string(),
                        command: z.string().min(1),
                        args: z.array(z.string()).nullish(),
                        env: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
                        provideClusterInfo: z.boolean().nullish(),
                        interactiveMode: z.string().nullish(),
                    })
                    .nullish(),
            }),
        }),
    ),
});

/**
 * Resolves `kubeconfigYaml` through its current context (or its only context). `source` names the
 * kubeconfig in errors (e.g. `kubeconfig of uksouth`); errors never quote the document, which holds credentials.
 */
export function parseKubeconfig(kubeconfigYaml: string, source: string): ClusterAccess {
    let document: unknown;
    try {
        document = parse(kubeconfigYaml);
    } catch (error) {
        throw new Error(`${source}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
    }
    const checked = kubeconfigSchema.safeParse(document);
    if (!checked.success) {
        const where = checked.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
        throw new Error(`${source}: not a kubeconfig: ${where}`);
    }
    const config = checked.data;
    const contextName = config["current-context"] ?? (config.contexts.length === 1 ? config.contexts[0].name : undefined);
    if (contextName === undefined) throw new Error(`${source}: no current-context and ${config.contexts.length} contexts`);
    const context = config.contexts.find((entry) => entry.name === contextName)?.context;
    if (context === undefined) throw new Error(`${source}: current-context "${contextName}" is not among its contexts`);
    const cluster = config.clusters.find((entry) => entry.name === context.cluster)?.cluster;
    if (cluster === undefined) throw new Error(`${source}: context "${contextName}" names cluster "${context.cluster}", which is not defined`);
    const user = config.users.find((entry) => entry.name === context.user)?.user;
    if (user === undefined) throw new Error(`${source}: context "${contextName}" names user "${context.user}", which is not defined`);

    let server: URL;
    try {
        server = new URL(cluster.server);
    } catch {
        throw new Error(`${source}: cluster "${context.cluster}" has an invalid server URL`);
    }
    // Bearer tokens go only over verified TLS: no plain http, no skipped verification.
    if (server.protocol !== "https:") throw new Error(`${source}: server ${server.origin} is not https`);
    if (cluster["insecure-skip-tls-verify"] === true) {
        throw new Error(`${source}: insecure-skip-tls-verify is set; the fleet tool always verifies the API server`);
    }
    const caData = cluster["certificate-authority-data"];
    return {
        server,
        caPem: caData ? Buffer.from(caData, "base64") : undefined,
        tlsServerName: cluster["tls-server-name"] ?? undefined,
        auth: authOf(user, context.user, source),
    };
}

type UserEntry = z.infer<typeof kubeconfigSchema>["users"][number]["user"];

function authOf(user: UserEntry, userName: string, source: string): ClusterAuth {
    if (user.exec) {
        return {
            kind: "exec",
            exec: {
                apiVersion: user.exec.apiVersion,
                command: user.exec.command,
                args: user.exec.args ?? [],
                env: user.exec.env ?? [],
                provideClusterInfo: user.exec.provideClusterInfo ?? false,
                interactiveMode: user.exec.interactiveMode ?? undefined,
            },
        };
    }
    if (user.token) return { kind: "token", token: user.token };
    const cert = user["client-certificate-data"];
    const key = user["client-key-data"];
    if (cert && key) return { kind: "clientCertificate", certPem: Buffer.from(cert, "base64"), keyPem: Buffer.from(key, "base64") };
    throw new Error(`${source}: user "${userName}" has no exec plugin, token or client certificate data`);
}
