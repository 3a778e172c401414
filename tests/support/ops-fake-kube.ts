// A loopback fake Kubernetes API server for one region: /readyz, the pod list of namespace besu, and the
// pod/service proxy paths verify uses, answered by a FakeBesu. Records every request path and auth header.
import { createServer, type Server } from "node:http";
import type { FakeBesu } from "./ops-fake-besu";

/** A pod as the fake lists it. */
export interface FakePod {
    name: string;
    ready: boolean;
}

/** The running fake. */
export interface FakeKube {
    url: string;
    /** `METHOD path` of every request, in arrival order. */
    readonly requests: string[];
    /** A kubeconfig for this server with a bearer token user (no exec plugin: tests cannot run kubelogin). */
    kubeconfig(token: string): string;
    stop(): Promise<void>;
}

/** Starts the fake; `proxy` maps an API proxy path (e.g. `/api/v1/namespaces/besu/services/besu-rpc:8545/proxy/`) to a FakeBesu node path. */
export async function startFakeKube(pods: FakePod[], besu: FakeBesu, proxy: Record<string, string>): Promise<FakeKube> {
    const requests: string[] = [];
    const server: Server = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
            const path = (req.url ?? "/").split("?")[0];
            requests.push(`${req.method} ${path}`);
            const json = (status: number, value: unknown) => {
                res.statusCode = status;
                res.setHeader("content-type", "application/json");
                res.end(JSON.stringify(value));
            };
            if (path === "/readyz") {
                res.end("ok");
            } else if (path === "/version") {
                json(200, { major: "1", minor: "34", gitVersion: "v1.34.1" });
            } else if (path === "/api/v1/namespaces/besu/pods") {
                json(200, {
                    kind: "PodList",
                    apiVersion: "v1",
                    items: pods.map((p) => ({
                        metadata: { name: p.name, namespace: "besu" },
                        status: { phase: p.ready ? "Running" : "Pending", conditions: [{ type: "Ready", status: p.ready ? "True" : "False" }] },
                    })),
                });
            } else if (req.method === "POST" && proxy[path] !== undefined) {
                if (req.headers["content-type"] !== "application/json") return json(415, { message: "JSON-RPC needs content-type application/json" });
                void besu.answer(proxy[path], body).then((text) => {
                    if (text === undefined) return; // hung node: the proxy hangs too
                    res.setHeader("content-type", "application/json");
                    res.end(text);
                });
            } else {
                json(404, { kind: "Status", status: "Failure", message: `${path} not found`, code: 404 });
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("fake kube: no port");
    const url = `http://127.0.0.1:${address.port}`;
    return {
        url,
        requests,
        kubeconfig: (token) =>
            [
                "apiVersion: v1",
                "kind: Config",
                `clusters: [{name: fake, cluster: {server: "${url}"}}]`,
                `users: [{name: fake, user: {token: "${token}"}}]`,
                "contexts: [{name: fake, context: {cluster: fake, user: fake}}]",
                "current-context: fake",
                "",
            ].join("\n"),
        stop: async () => {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
