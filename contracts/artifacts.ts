// Typed access to the compiled contract suite in contracts/build (produced by `npm run build:contracts`).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { InterfaceAbi } from "ethers";
import { BUILD_DIR } from "./compiler";

export { BUILD_DIR };

/** Deployable contracts of the suite (contracts/src). */
export const CONTRACT_NAMES = [
    "Multicall3",
    "WETH9",
    "WETH10",
    "CCIPRouter",
    "CCIPWETH9Bridge",
    "CCIPWETH10Bridge",
    "Aggregator",
    "AggregatorProxy",
    "OracleWithCCIP",
    "MultiSig",
] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** Helper contracts used only by tests (contracts/test), compiled separately. */
export const TEST_CONTRACT_NAMES = ["FlashBorrowerMock", "TransferReceiverMock", "CCIPReceiverMock"] as const;
export type TestContractName = (typeof TEST_CONTRACT_NAMES)[number];

/** One compiled contract. */
export interface Artifact {
    contractName: string;
    /** Source unit key in the solc input, e.g. "contracts/src/ccip/CCIPRouter.sol". */
    sourceName: string;
    abi: InterfaceAbi;
    bytecode: string;
    deployedBytecode: string;
    /** solc metadata JSON (string, exactly as emitted). */
    metadata: string;
    /** Full solc version, e.g. "0.8.30+commit.73712a01". */
    compilerVersion: string;
    /** File name (in the same folder) of the standard-JSON input this artifact was built from. */
    solcInputFile: string;
}

/** The exact standard-JSON input of a compilation, kept for explorer source verification. */
export interface SolcInputRecord {
    /** e.g. "v0.8.30+commit.73712a01" (the form block explorers expect). */
    compilerVersion: string;
    input: {
        language: "Solidity";
        sources: Record<string, { content: string }>;
        settings: Record<string, unknown>;
    };
}

/** Folder of the test helper artifacts. */
export const TEST_BUILD_DIR = path.join(BUILD_DIR, "test");
/** File name of the standard-JSON input record inside each build folder. */
export const SOLC_INPUT_FILE = "solc-input.json";

function readJson<T>(file: string): T {
    if (!existsSync(file)) {
        throw new Error(`${file} is missing: run \`npm run build:contracts\` first`);
    }
    return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** Loads the artifact of a suite contract. */
export function loadArtifact(name: ContractName): Artifact {
    return readJson<Artifact>(path.join(BUILD_DIR, `${name}.json`));
}

/** Loads the artifact of a test helper contract. */
export function loadTestArtifact(name: TestContractName): Artifact {
    return readJson<Artifact>(path.join(TEST_BUILD_DIR, `${name}.json`));
}

/** Loads the standard-JSON input the suite was compiled from (for source verification). */
export function loadSolcInput(): SolcInputRecord {
    return readJson<SolcInputRecord>(path.join(BUILD_DIR, SOLC_INPUT_FILE));
}
