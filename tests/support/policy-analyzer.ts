// Starts the pack the way `pulumi preview --policy-pack policy` does and talks to it over the analyzer gRPC
// protocol. pulumi-language-nodejs' RunPlugin (kind analyzer) resolves `@pulumi/pulumi/cmd/run-policy-pack`
// from the pack directory, runs `node <that> <engine address> .` with the pack directory as working directory,
// and reads the gRPC port from the first line of stdout. run-policy-pack registers ts-node (type-checking,
// compiler options from ./tsconfig.json) and requires "." → policy/index.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzeRequest, AnalyzerResourceOptions, type AnalyzeResponse, type AnalyzerInfo, type RemediateResponse } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { REPO_ROOT } from "../../devkit/mock-program";

export const POLICY_DIR = join(REPO_ROOT, "policy");

export interface RunningPack {
    client: AnalyzerClient;
    process: ChildProcess;
    stderr: () => string;
    stop(): void;
}

/** Spawns run-policy-pack in policy/ and connects once it printed its port (ts-node compiles the pack first). */
export async function startPack(timeoutMs = 240_000): Promise<RunningPack> {
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [POLICY_DIR] });
    // The engine address is only used by the pack to log back; nothing is listening there in the test.
    const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:1", "."], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`policy pack printed no port within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            const line = /^(\d+)\s*$/m.exec(stdout);
            if (line !== null) {
                clearTimeout(timer);
                resolve(Number(line[1]));
            }
        });
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`policy pack exited with ${code} before printing a port; stderr:\n${stderr}`));
        });
    });
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return {
        client,
        process: child,
        stderr: () => stderr,
        stop: () => {
            client.close();
            child.kill();
        },
    };
}

/** An AnalyzeRequest for one resource; `props` in the engine's wire form (secrets as signature objects). */
export function analyzeRequest(type: string, name: string, props: Record<string, unknown>): AnalyzeRequest {
    const req = new AnalyzeRequest();
    req.setType(type);
    req.setName(name);
    req.setUrn(`urn:pulumi:test::chain138::${type}::${name}`);
    req.setProperties(Struct.fromJavaScript(props as never));
    req.setOptions(new AnalyzerResourceOptions());
    return req;
}

function unary<Req, Res>(call: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => call(req, (err, res) => (err ? reject(err) : resolve(res))));
}

export const analyze = (pack: RunningPack, req: AnalyzeRequest): Promise<AnalyzeResponse> => unary(pack.client.analyze.bind(pack.client), req);
export const remediate = (pack: RunningPack, req: AnalyzeRequest): Promise<RemediateResponse> => unary(pack.client.remediate.bind(pack.client), req);
export const analyzerInfo = (pack: RunningPack): Promise<AnalyzerInfo> => unary(pack.client.getAnalyzerInfo.bind(pack.client), new Empty());
