// The public JSON-RPC endpoint end to end on loopback: the chart's gateway (its rendered nginx.conf, run by a real
// nginx) in front of a real chain, and the program's own providers reaching it as they reach the fleet's chain —
// over TLS, trusting only the stack's CA. Also what the gateway refuses: other Host names, other methods and paths,
// oversized bodies; and what TLS refuses: a certificate of another CA, a certificate for another address.
import assert from "node:assert/strict";
import { request } from "node:https";
import { checkServerIdentity } from "node:tls";
import { after, before, it } from "node:test";
import { startAnvil, type AnvilNode } from "../../devkit/anvil";
import { deploymentInputs } from "../../devkit/provider-inputs";
import { waitForChainReady } from "../../contracts/providers/chain-ready";
import { deployContract } from "../../contracts/providers/contract-deployment";
import { makePki, renderedGatewayConf, startGateway, type RunningGateway, type TestPki } from "../support/rpc-gateway";

let node: AnvilNode;
let pki: TestPki;
let gateway: RunningGateway;

before(async () => {
    node = await startAnvil({ chainId: 138, blockTime: 1 });
    pki = makePki("127.0.0.1");
    gateway = await startGateway(`127.0.0.1:${node.port}`, pki);
});
after(async () => {
    await gateway?.stop();
    await node?.stop();
});

const ready = (rpcUrl: string, caCertificate: string | undefined, timeoutSeconds = 20) =>
    waitForChainReady(
        {
            chainName: "chain138",
            rpcUrl,
            rpcCaCertificate: caCertificate,
            chainId: 138,
            deployerAddress: node.accounts[0].address,
            minDeployerBalanceWei: "1",
            advanceBlocks: 2,
            timeoutSeconds,
            pollIntervalSeconds: 1,
        },
        { log: () => undefined },
    );

/** One HTTPS request to the gateway trusting the test CA; status and body. */
function call(opts: { method?: string; path?: string; host?: string; body?: string }): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = request(
            {
                host: "127.0.0.1",
                port: gateway.port,
                method: opts.method ?? "POST",
                path: opts.path ?? "/",
                ca: pki.caPem,
                // The connection is to the endpoint's IP whatever Host says (Node would check the Host name instead).
                checkServerIdentity: (_host, cert) => checkServerIdentity("127.0.0.1", cert),
                headers: { "content-type": "application/json", ...(opts.host ? { host: opts.host } : {}) },
                timeout: 10_000,
            },
            (res) => {
                let body = "";
                res.on("data", (chunk: Buffer) => (body += chunk.toString()));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            },
        );
        req.on("error", reject);
        req.end(opts.body ?? JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }));
    });
}

it("the program's readiness gate reaches the chain through the gateway, trusting only the stack's CA", async () => {
    const out = await ready(gateway.url, pki.caPem);
    assert.ok(out.readyAtBlock >= 2);
});

it("a contract deploys through the gateway with the CA pinned (the fleet chain's suite path)", async () => {
    const inputs = {
        ...deploymentInputs({ chainName: "chain138", rpcUrl: gateway.url, chainId: 138, deployerKey: node.accounts[0].privateKey }, "WETH9"),
        rpcCaCertificate: pki.caPem,
    };
    const result = await deployContract(inputs);
    assert.equal(result.outs?.address, inputs.address);
    assert.notEqual(await node.provider().getCode(inputs.address), "0x");
});

it("without the stack's CA the endpoint is not trusted: verification is on, not skipped", async () => {
    await assert.rejects(ready(gateway.url, undefined, 2), /does not answer \(.*(self-signed certificate|unable to (get local issuer|verify))/i);
});

it("a certificate of another CA, or for another address, is refused", async () => {
    const stranger = makePki("127.0.0.1");
    await assert.rejects(ready(gateway.url, stranger.caPem, 2), /does not answer \(.*(self-signed certificate|unable to (get local issuer|verify))/i);
    const elsewhere = makePki("127.0.0.2");
    const misnamed = await startGateway(`127.0.0.1:${node.port}`, elsewhere);
    try {
        // Node checks an IP host against the certificate's IP SANs only (tls.checkServerIdentity).
        await assert.rejects(ready(misnamed.url, elsewhere.caPem, 2), /does not answer \(.*IP: 127\.0\.0\.1 is not in the cert's list/);
    } finally {
        await misnamed.stop();
    }
});

it("only POST / for the endpoint's own address passes; other hosts, methods, paths and big bodies are refused", async () => {
    const ok = await call({});
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).result, "0x8a");
    assert.equal((await call({ host: "rpc.attacker.example" })).status, 421, "a Host the endpoint does not serve");
    assert.equal((await call({ method: "GET" })).status, 403, "GET");
    assert.equal((await call({ path: "/liveness" })).status, 404, "Besu's other HTTP paths");
    const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: ["x".repeat(1_100_000)] });
    assert.equal((await call({ body: big })).status, 413, "a body over the 1m cap");
});

it("with an operator's certificate for a host name, clients asking for that name by SNI get it; the IP keeps the stack CA's", async () => {
    const name = "northeurope.rpc.example.test";
    const publicPki = makePki(name);
    const conf = renderedGatewayConf("127.0.0.1", { serverNames: [name], publicTlsSecretName: "besu-rpc-public-tls" });
    const both = await startGateway(`127.0.0.1:${node.port}`, pki, conf, publicPki);
    try {
        const byName = await new Promise<{ status: number; body: string }>((resolve, reject) => {
            const req = request(
                {
                    host: "127.0.0.1",
                    port: both.port,
                    servername: name,
                    method: "POST",
                    path: "/",
                    ca: publicPki.caPem,
                    headers: { host: name, "content-type": "application/json" },
                },
                (res) => {
                    let body = "";
                    res.on("data", (chunk: Buffer) => (body += chunk.toString()));
                    res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
                },
            );
            req.on("error", reject);
            req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }));
        });
        assert.equal(byName.status, 200, "the name's certificate verifies against its CA, and the name is an allowed Host");
        assert.equal(JSON.parse(byName.body).result, "0x8a");
        // The program's own path (the IP, the stack CA) is unchanged.
        assert.ok((await ready(both.url, pki.caPem)).readyAtBlock >= 0);
    } finally {
        await both.stop();
    }
});
