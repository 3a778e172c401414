// Compiles a submitted standard-JSON input with the npm solc, in a worker thread (a suite compile
// takes ~15 s; the fake explorer must keep answering "Pending in queue" meanwhile), once per input.
import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";

/** What the fake explorer compares for one compiled contract (hex without 0x, as solc emits it). */
export interface CompiledContract {
    bytecode: string;
    deployedBytecode: string;
    /** Byte ranges of immutables in the runtime code: solc leaves zeros there, the constructor fills them. */
    immutableReferences: Record<string, Array<{ start: number; length: number }>>;
}

export interface Compilation {
    /** e.g. "0.8.30+commit.73712a01" (the ".Emscripten.clang" suffix dropped). */
    version: string;
    errors: string[];
    /** By source unit, then contract name. */
    contracts: Record<string, Record<string, CompiledContract>>;
}

// Plain CommonJS so it runs without the TypeScript loader. Explorers choose their own output
// selection; it is not part of the metadata, so it does not change the bytecode.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const solc = require(workerData.solcPath);
parentPort.on("message", ({ id, input }) => {
  let output;
  try {
    const parsed = JSON.parse(input);
    parsed.settings = { ...(parsed.settings || {}), outputSelection: { "*": { "*": [
      "evm.bytecode.object", "evm.deployedBytecode.object", "evm.deployedBytecode.immutableReferences"] } } };
    output = solc.compile(JSON.stringify(parsed));
  } catch (e) {
    output = JSON.stringify({ errors: [{ severity: "error", formattedMessage: "invalid input: " + e.message }] });
  }
  parentPort.postMessage({ id, version: solc.version(), output });
});
`;

interface SolcOut {
    errors?: Array<{ severity: string; formattedMessage: string }>;
    contracts?: Record<
        string,
        Record<
            string,
            { evm: { bytecode: { object: string }; deployedBytecode: { object: string; immutableReferences?: CompiledContract["immutableReferences"] } } }
        >
    >;
}

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, (reply: { version: string; output: string }) => void>();
const cache = new Map<string, Promise<Compilation>>();

function solcWorker(): Worker {
    if (worker !== undefined) return worker;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { solcPath: require.resolve("solc") } });
    w.on("message", (reply: { id: number; version: string; output: string }) => {
        waiting.get(reply.id)?.(reply);
        waiting.delete(reply.id);
    });
    w.unref(); // never keeps a test process alive
    worker = w;
    return w;
}

async function compileNow(input: string): Promise<Compilation> {
    const id = nextId++;
    const reply = await new Promise<{ version: string; output: string }>((resolve) => {
        waiting.set(id, resolve);
        solcWorker().postMessage({ id, input });
    });
    const out = JSON.parse(reply.output) as SolcOut;
    const contracts: Compilation["contracts"] = {};
    for (const [source, byName] of Object.entries(out.contracts ?? {})) {
        contracts[source] = {};
        for (const [name, c] of Object.entries(byName)) {
            contracts[source][name] = {
                bytecode: c.evm.bytecode.object,
                deployedBytecode: c.evm.deployedBytecode.object,
                immutableReferences: c.evm.deployedBytecode.immutableReferences ?? {},
            };
        }
    }
    return {
        version: reply.version.replace(/\.Emscripten.*$/, ""),
        errors: (out.errors ?? []).filter((e) => e.severity === "error").map((e) => e.formattedMessage),
        contracts,
    };
}

/** Compiles a standard-JSON input string; identical inputs (by sha256) share one compilation. */
export function compileStandardJson(input: string): Promise<Compilation> {
    const key = createHash("sha256").update(input).digest("hex");
    let job = cache.get(key);
    if (job === undefined) {
        job = compileNow(input);
        cache.set(key, job);
    }
    return job;
}

/** Stops the worker (the next compile starts a new one; cached results stay). */
export async function stopSolcWorker(): Promise<void> {
    const w = worker;
    worker = undefined;
    if (w !== undefined) await w.terminate();
}
