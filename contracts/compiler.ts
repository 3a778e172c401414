// The one place that defines how the contract suite is compiled (version, optimizer, EVM target, import map).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** Repository root (this file lives in <root>/contracts). */
export const REPO_ROOT = path.resolve(__dirname, "..");
/** Where build output goes (gitignored). */
export const BUILD_DIR = path.join(REPO_ROOT, "contracts", "build");

/** solc release the suite is pinned to; the build fails if the npm solc differs. */
export const SOLC_VERSION = "0.8.30";

/**
 * Compiler settings shared by every compilation. "shanghai" runs on mainnet and on Besu QBFT
 * networks whose genesis enables Shanghai (PUSH0), without requiring Cancun opcodes.
 */
export const COMPILER_SETTINGS = {
    evmVersion: "shanghai",
    optimizer: { enabled: true, runs: 200 },
    metadata: { bytecodeHash: "ipfs" },
    outputSelection: {
        "*": {
            "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object", "metadata", "evm.methodIdentifiers"],
        },
    },
} as const;

/** Import prefixes and the node_modules folder each resolves to, longest prefix first. */
export const IMPORT_REMAPPINGS: ReadonlyArray<readonly [prefix: string, dir: string]> = [
    // Chainlink's CCIP sources pin OpenZeppelin with a versioned prefix.
    ["@openzeppelin/contracts@5.3.0/", "node_modules/@openzeppelin/contracts-5.3.0/"],
    ["@openzeppelin/contracts/", "node_modules/@openzeppelin/contracts/"],
    ["@chainlink/contracts-ccip/", "node_modules/@chainlink/contracts-ccip/"],
];

/** Resolves an import path to a file on disk, or undefined if no remapping or file matches. */
export function resolveImport(importPath: string): string | undefined {
    for (const [prefix, dir] of IMPORT_REMAPPINGS) {
        if (importPath.startsWith(prefix)) {
            const file = path.join(REPO_ROOT, dir, importPath.slice(prefix.length));
            return existsSync(file) ? file : undefined;
        }
    }
    // Our own sources are keyed relative to the repo root, e.g. "contracts/src/...".
    const local = path.join(REPO_ROOT, importPath);
    return importPath.startsWith("contracts/") && existsSync(local) ? local : undefined;
}

/** Reads an import for solc's callback. */
export function readImport(importPath: string): { contents: string } | { error: string } {
    const file = resolveImport(importPath);
    if (file === undefined) return { error: `import not found: ${importPath}` };
    return { contents: readFileSync(file, "utf8") };
}
