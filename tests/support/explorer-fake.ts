// A fake Etherscan-compatible explorer on 127.0.0.1 (node:http) in front of a real anvil chain.
// It speaks the contract API the verifier uses and REALLY checks each submission: it compiles the
// submitted standard-JSON input with the npm solc and compares the named contract's creation code
// plus constructor arguments with the init code of the creation transaction, and its runtime code
// with eth_getCode (immutable slots excepted: their values are written by the constructor).
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { JsonRpcProvider, getAddress, isAddress } from "ethers";
import { CreationIndex } from "./explorer-chain-index";
import { compileStandardJson, type CompiledContract } from "./explorer-solc";

export interface FakeExplorerOptions {
    /** The chain the explorer indexes. */
    rpcUrl: string;
    chainId: number;
    /** Required API key (requests with another or none are refused). */
    apiKey?: string;
    /**
     * Every Nth request is refused with "Max rate limit reached" (status 0), whatever it asks — but a
     * request refused once gets through on its retry, so no client starves (deterministic, not timed).
     */
    rateLimitEvery?: number;
    /** Refuse every request with "Max rate limit reached" (a limit that never clears). */
    rateLimitAlways?: boolean;
    /** checkverifystatus answers "Pending in queue" at least this many times per submission (default 2). */
    pendingPolls?: number;
    /** Accept connections and never answer. */
    hang?: boolean;
    /** Addresses whose sources are already published before the run. */
    verified?: readonly string[];
    /** The first N submissions for each address are answered "Unable to locate ContractCode at …" (index lag). */
    indexLag?: number;
    /** getsourcecode never shows sources (a lagging index): only the submission learns it is verified. */
    staleSourceIndex?: boolean;
}

export interface FakeExplorerStats {
    requests: number;
    rateLimited: number;
    submissions: number;
    /** Submissions answered "Unable to locate ContractCode" (see `indexLag`). */
    unindexed: number;
    rejectedKeys: number;
}

export interface FakeExplorer {
    readonly apiUrl: string;
    readonly stats: FakeExplorerStats;
    /** Why the explorer failed each address it failed. */
    readonly failures: ReadonlyMap<string, string>;
    isVerified(address: string): boolean;
    /** Contract name recorded for a verified address ("<source>:<Name>"). */
    verifiedAs(address: string): string | undefined;
    stop(): Promise<void>;
}

interface Submission {
    address: string;
    contractName: string;
    compilerVersion: string;
    args: string;
    sourceCode: string;
}

interface Job {
    submission: Submission;
    polls: number;
    /** undefined = passed, string = why it failed; absent until checked. */
    result?: { failure?: string };
}

type Answer = { status: "0" | "1"; message: string; result: unknown };
const ok = (result: unknown): Answer => ({ status: "1", message: "OK", result });
const notOk = (result: unknown): Answer => ({ status: "0", message: "NOTOK", result });

/** Zeros the immutable slots of on-chain runtime code, where the compiler output has zeros too. */
function maskImmutables(code: string, refs: CompiledContract["immutableReferences"]): string {
    let hex = code.slice(2);
    for (const ranges of Object.values(refs)) {
        for (const { start, length } of ranges) {
            hex = hex.slice(0, start * 2) + "00".repeat(length) + hex.slice((start + length) * 2);
        }
    }
    return hex;
}

/** Starts a fake explorer for the chain at `options.rpcUrl`. */
export async function startFakeExplorer(options: FakeExplorerOptions): Promise<FakeExplorer> {
    const provider = new JsonRpcProvider(options.rpcUrl, options.chainId, { staticNetwork: true });
    const index = new CreationIndex(provider);
    const stats: FakeExplorerStats = { requests: 0, rateLimited: 0, submissions: 0, unindexed: 0, rejectedKeys: 0 };
    const lagging = new Map<string, number>();
    const verified = new Map<string, Submission | undefined>((options.verified ?? []).map((a) => [getAddress(a), undefined]));
    const failures = new Map<string, string>();
    const jobs = new Map<string, Job>();
    /** Requests refused once (by action and subject), let through on their retry. */
    const throttled = new Set<string>();

    /** The real check: undefined when the submission reproduces the chain's code, else why not. */
    async function check(s: Submission): Promise<string | undefined> {
        const compiled = await compileStandardJson(s.sourceCode);
        if (s.compilerVersion !== `v${compiled.version}`) return `compiler ${s.compilerVersion} is not the one used here (v${compiled.version})`;
        if (compiled.errors.length > 0) return `compilation failed: ${compiled.errors[0].split("\n")[0]}`;
        const cut = s.contractName.lastIndexOf(":");
        const c = compiled.contracts[s.contractName.slice(0, cut)]?.[s.contractName.slice(cut + 1)];
        if (c === undefined) return `${s.contractName} is not in the compiled input`;
        const creation = await index.lookup(s.address);
        if (creation === undefined) return `no indexed transaction created ${s.address}`;
        if (!creation.initCode.startsWith(`0x${c.bytecode}`)) {
            return `Compiled contract creation bytecode does NOT match the init code of tx ${creation.txHash}`;
        }
        if (creation.initCode !== `0x${c.bytecode}${s.args.toLowerCase()}`) {
            return `constructor arguments do NOT match those in tx ${creation.txHash}`;
        }
        const onChain = await provider.getCode(s.address);
        if (maskImmutables(onChain, c.immutableReferences) !== c.deployedBytecode) {
            return `Compiled runtime bytecode does NOT match the code at ${s.address}`;
        }
        return undefined;
    }

    function submit(p: URLSearchParams, method: string): Answer {
        if (method !== "POST") return notOk("verifysourcecode must be POSTed");
        const address = p.get("contractaddress") ?? "";
        const fields = ["codeformat", "sourceCode", "contractaddress", "contractname", "compilerversion"];
        const missing = fields.filter((f) => !p.get(f));
        if (missing.length > 0) return notOk(`missing ${missing.join(", ")}`);
        if (p.get("codeformat") !== "solidity-standard-json-input") return notOk(`unsupported codeformat ${p.get("codeformat")}`);
        if (!isAddress(address)) return notOk("Invalid contract address");
        if (!/^[^:]+\.sol:[A-Za-z_$][\w$]*$/.test(p.get("contractname")!)) return notOk("contractname must be <source>:<Name>");
        const args = p.get("constructorArguements") ?? "";
        if (!/^([0-9a-fA-F]{2})*$/.test(args)) return notOk("constructorArguements must be hex without 0x");
        try {
            JSON.parse(p.get("sourceCode")!);
        } catch {
            return notOk("sourceCode is not JSON");
        }
        const seen = lagging.get(getAddress(address)) ?? 0;
        if (seen < (options.indexLag ?? 0)) {
            lagging.set(getAddress(address), seen + 1);
            stats.unindexed += 1;
            return notOk(`Unable to locate ContractCode at ${address}`);
        }
        if (verified.has(getAddress(address))) return notOk("Contract source code already verified");
        stats.submissions += 1;
        const submission: Submission = {
            address: getAddress(address),
            contractName: p.get("contractname")!,
            compilerVersion: p.get("compilerversion")!,
            args,
            sourceCode: p.get("sourceCode")!,
        };
        const guid = randomBytes(25).toString("hex");
        const job: Job = { submission, polls: 0 };
        jobs.set(guid, job);
        check(submission).then(
            (failure) => (job.result = { failure }),
            (error: unknown) => (job.result = { failure: `internal error: ${error instanceof Error ? error.message : String(error)}` }),
        );
        return ok(guid);
    }

    function status(p: URLSearchParams): Answer {
        const job = jobs.get(p.get("guid") ?? "");
        if (job === undefined) return notOk("Unknown UID");
        job.polls += 1;
        if (job.result === undefined || job.polls <= (options.pendingPolls ?? 2)) return notOk("Pending in queue");
        const { address } = job.submission;
        if (job.result.failure !== undefined) {
            failures.set(address, job.result.failure);
            return notOk(`Fail - Unable to verify. ${job.result.failure}`);
        }
        if (verified.has(address)) return notOk("Already Verified");
        verified.set(address, job.submission);
        return ok("Pass - Verified");
    }

    function sourceCode(p: URLSearchParams): Answer {
        const address = p.get("address") ?? "";
        if (!isAddress(address)) return notOk("Invalid Address format");
        const known = verified.has(getAddress(address)) && options.staleSourceIndex !== true;
        const s = verified.get(getAddress(address));
        return ok([
            known
                ? {
                      SourceCode: s?.sourceCode ?? "{}",
                      ContractName: s?.contractName ?? "",
                      CompilerVersion: s?.compilerVersion ?? "",
                      ConstructorArguments: s?.args ?? "",
                  }
                : { SourceCode: "", ABI: "Contract source code not verified", ContractName: "", CompilerVersion: "", ConstructorArguments: "" },
        ]);
    }

    async function creation(p: URLSearchParams): Promise<Answer> {
        const rows = [];
        for (const address of (p.get("contractaddresses") ?? "").split(",").filter(isAddress)) {
            const c = await index.lookup(address);
            if (c !== undefined) rows.push({ contractAddress: c.address.toLowerCase(), contractCreator: c.creator.toLowerCase(), txHash: c.txHash });
        }
        return rows.length > 0 ? ok(rows) : notOk("No data found");
    }

    async function answer(req: IncomingMessage, body: string): Promise<Answer> {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const p = new URLSearchParams(url.search);
        if (req.method === "POST") for (const [k, v] of new URLSearchParams(body)) p.set(k, v);
        stats.requests += 1;
        const key = [p.get("action"), p.get("guid") ?? p.get("address") ?? p.get("contractaddress") ?? p.get("contractaddresses")].join("/");
        if (throttled.has(key)) {
            throttled.delete(key);
        } else if (options.rateLimitAlways === true || (options.rateLimitEvery !== undefined && stats.requests % options.rateLimitEvery === 0)) {
            if (options.rateLimitAlways !== true) throttled.add(key);
            stats.rateLimited += 1;
            return notOk("Max rate limit reached");
        }
        if (options.apiKey !== undefined && p.get("apikey") !== options.apiKey) {
            stats.rejectedKeys += 1;
            return notOk("Invalid API Key");
        }
        if (p.has("chainid") && p.get("chainid") !== String(options.chainId)) return notOk(`Invalid chainid ${p.get("chainid")}`);
        if (p.get("module") !== "contract") return notOk("Error! Missing Or invalid Module name");
        switch (p.get("action")) {
            case "verifysourcecode":
                return submit(p, req.method ?? "GET");
            case "checkverifystatus":
                return status(p);
            case "getsourcecode":
                return sourceCode(p);
            case "getcontractcreation":
                return creation(p);
            default:
                return notOk("Error! Missing Or invalid Action name");
        }
    }

    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            if (options.hang === true) return; // the socket stays open until stop()
            answer(req, Buffer.concat(chunks).toString("utf8")).then(
                (a) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(a)),
                (error: unknown) => res.writeHead(500).end(error instanceof Error ? error.message : String(error)),
            );
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;

    return {
        apiUrl: `http://127.0.0.1:${port}/api`,
        stats,
        failures,
        isVerified: (address) => verified.has(getAddress(address)),
        verifiedAs: (address) => verified.get(getAddress(address))?.contractName,
        stop: async () => {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            provider.destroy();
        },
    };
}
