// Compiles contracts/src (and the test helpers in contracts/test) with the pinned npm solc into contracts/build.
// Skips the work when neither sources nor settings changed since the last build.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import solc from "solc";
import { BUILD_DIR, COMPILER_SETTINGS, REPO_ROOT, SOLC_VERSION, readImport, resolveImport } from "./compiler";
import { CONTRACT_NAMES, SOLC_INPUT_FILE, TEST_BUILD_DIR, TEST_CONTRACT_NAMES, type Artifact, type SolcInputRecord } from "./artifacts";

interface SolcError {
    severity: "error" | "warning" | "info";
    formattedMessage: string;
}
interface SolcContractOutput {
    abi: Artifact["abi"];
    metadata: string;
    evm: { bytecode: { object: string }; deployedBytecode: { object: string } };
}
interface SolcOutput {
    errors?: SolcError[];
    sources?: Record<string, unknown>;
    contracts?: Record<string, Record<string, SolcContractOutput>>;
}

// solc's own typings are `any`: pin the two calls we use to precise signatures.
const solcVersion = solc.version as () => string;
const solcCompile = solc.compile as (input: string, callbacks: { import: (p: string) => { contents: string } | { error: string } }) => string;

const HASH_FILE = path.join(BUILD_DIR, ".build-hash");

/** Every .sol file under `dir`, as repo-relative source keys with forward slashes. */
function solidityFiles(dir: string): string[] {
    const out: string[] = [];
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push(...solidityFiles(full));
        else if (entry.name.endsWith(".sol")) out.push(path.relative(REPO_ROOT, full).split(path.sep).join("/"));
    }
    return out.sort();
}

/** Hash of everything that determines the output: compiler, settings, our sources, library versions. */
function inputsHash(files: string[]): string {
    const h = createHash("sha256");
    h.update(solcVersion());
    h.update(JSON.stringify(COMPILER_SETTINGS));
    h.update(readFileSync(__filename));
    h.update(readFileSync(path.join(__dirname, "compiler.ts")));
    for (const f of files) h.update(f).update(readFileSync(path.join(REPO_ROOT, f)));
    for (const pkg of ["@openzeppelin/contracts", "@openzeppelin/contracts-5.3.0", "@chainlink/contracts-ccip"]) {
        h.update(readFileSync(path.join(REPO_ROOT, "node_modules", pkg, "package.json")));
    }
    return h.digest("hex");
}

/** Compiles `files` and writes artifacts for `names` plus the inlined standard-JSON input into `outDir`. */
function compileUnit(label: string, files: string[], names: readonly string[], outDir: string): void {
    const sources: Record<string, { content: string }> = {};
    for (const f of files) sources[f] = { content: readFileSync(path.join(REPO_ROOT, f), "utf8") };
    const input = { language: "Solidity" as const, sources, settings: COMPILER_SETTINGS };
    const output = JSON.parse(solcCompile(JSON.stringify(input), { import: readImport })) as SolcOutput;

    const errors = (output.errors ?? []).filter((e) => e.severity === "error");
    for (const w of (output.errors ?? []).filter((e) => e.severity !== "error")) console.warn(w.formattedMessage);
    if (errors.length > 0) {
        throw new Error(`solc failed to compile ${label}:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
    }

    // Inline every imported source so the record is self-contained for explorer verification.
    for (const key of Object.keys(output.sources ?? {})) {
        if (sources[key] === undefined) {
            const file = resolveImport(key);
            if (file === undefined) throw new Error(`cannot re-read source ${key}`);
            sources[key] = { content: readFileSync(file, "utf8") };
        }
    }
    const fullVersion = solcVersion().replace(/\.Emscripten.*$/, "");
    mkdirSync(outDir, { recursive: true });
    const record: SolcInputRecord = {
        compilerVersion: `v${fullVersion}`,
        input: { language: "Solidity", sources, settings: COMPILER_SETTINGS },
    };
    writeFileSync(path.join(outDir, SOLC_INPUT_FILE), JSON.stringify(record, null, 2));

    const wanted = new Set(names);
    for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
        if (!files.includes(sourceName)) continue;
        for (const [contractName, c] of Object.entries(contracts)) {
            if (!wanted.delete(contractName)) continue;
            const artifact: Artifact = {
                contractName,
                sourceName,
                abi: c.abi,
                bytecode: `0x${c.evm.bytecode.object}`,
                deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
                metadata: c.metadata,
                compilerVersion: fullVersion,
                solcInputFile: SOLC_INPUT_FILE,
            };
            writeFileSync(path.join(outDir, `${contractName}.json`), JSON.stringify(artifact, null, 2));
        }
    }
    if (wanted.size > 0) throw new Error(`${label}: contracts not found in the sources: ${[...wanted].join(", ")}`);
    console.log(`compiled ${label}: ${names.length} artifacts -> ${path.relative(REPO_ROOT, outDir)}`);
}

/** Builds the suite unless it is up to date; returns whether it compiled. */
export function buildContracts(force = false): boolean {
    const installed = solcVersion();
    if (!installed.startsWith(`${SOLC_VERSION}+`)) {
        throw new Error(`npm solc is ${installed}, the suite is pinned to ${SOLC_VERSION}`);
    }
    const srcFiles = solidityFiles(path.join(REPO_ROOT, "contracts", "src"));
    const testFiles = solidityFiles(path.join(REPO_ROOT, "contracts", "test"));
    const hash = inputsHash([...srcFiles, ...testFiles]);
    if (!force && existsSync(HASH_FILE) && readFileSync(HASH_FILE, "utf8") === hash) {
        console.log("contracts: up to date");
        return false;
    }
    // Build beside the old artifacts and swap at the end: a failed compile (or a concurrent
    // reader) never finds the build directory empty or half written.
    const staging = `${BUILD_DIR}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    try {
        compileUnit("contracts/src", srcFiles, CONTRACT_NAMES, staging);
        compileUnit("contracts/test", testFiles, TEST_CONTRACT_NAMES, path.join(staging, path.relative(BUILD_DIR, TEST_BUILD_DIR)));
        writeFileSync(path.join(staging, path.basename(HASH_FILE)), hash);
    } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        throw error;
    }
    const retired = `${BUILD_DIR}.old-${process.pid}`;
    if (existsSync(BUILD_DIR)) renameSync(BUILD_DIR, retired);
    renameSync(staging, BUILD_DIR);
    rmSync(retired, { recursive: true, force: true });
    return true;
}

if (require.main === module) {
    try {
        buildContracts(process.argv.includes("--force"));
    } catch (err) {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    }
}
