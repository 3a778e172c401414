// Verifies one deployed contract on its explorer: skip if its source is already published, recover
// the constructor arguments, submit the exact standard-JSON input of the build, poll until the
// explorer passes or fails it — all within one per-contract deadline.
import { setTimeout as sleep } from "node:timers/promises";
import { loadArtifact, loadSolcInput, type Artifact, type SolcInputRecord } from "../../contracts/artifacts";
import { answerText, classify } from "./answers";
import { DEFAULT_RETRY, ExplorerClient, type RetryPolicy } from "./client";
import { resolveConstructorArgs } from "./creation";
import { redact } from "./redact";
import type { DeployedContract, ExplorerConfig, VerifyResult, VerifyStatus } from "./types";

/** Knobs of a verification run; every field has a default. */
export interface VerifyOptions {
    /** Standard-JSON input to submit (default: contracts/build/solc-input.json, the one the artifacts came from). */
    solcInput?: SolcInputRecord;
    /** Deadline per contract in ms, from the moment its verification starts (default 300000). */
    timeoutMs?: number;
    /** Pause between `checkverifystatus` polls in ms (default 5000). */
    pollIntervalMs?: number;
    /** Backoff for "Max rate limit reached" and transient HTTP failures. */
    retry?: RetryPolicy;
    /** Bound on a single HTTP request in ms (default 30000). */
    requestTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_POLL_MS = 5_000;

/** A finished verification, before it is stamped with the contract and the elapsed time. */
type Outcome = { status: VerifyStatus; detail: string };

/** The explorer client a run uses for `chain` (one per explorer, shared by its contracts). */
export function explorerClient(chain: string, explorer: ExplorerConfig, options: VerifyOptions = {}): ExplorerClient {
    return new ExplorerClient(chain, explorer, options.retry ?? DEFAULT_RETRY, options.requestTimeoutMs ?? 30_000);
}

/**
 * Verifies `target` on `explorer`. Never throws: every failure (including the deadline) comes back
 * as a "failed" result whose detail names the cause. The deployment can call this after each deploy.
 */
export async function verifyContract(
    target: DeployedContract,
    explorer: ExplorerConfig,
    options: VerifyOptions = {},
    client: ExplorerClient = explorerClient(target.chain, explorer, options),
): Promise<VerifyResult> {
    const started = performance.now();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    const step = { name: "starting" };
    let outcome: Outcome;
    try {
        outcome = await run(target, explorer, options, client, signal, step);
    } catch (error) {
        const why = signal.aborted
            ? `timed out after ${(timeoutMs / 1000).toFixed(1)}s while ${step.name}`
            : error instanceof Error
              ? error.message
              : String(error);
        outcome = { status: "failed", detail: redact(why, [explorer.apiKey, explorer.rpcUrl]) };
    }
    const { chain, contract, address } = target;
    return { chain, contract, address, ...outcome, elapsedMs: Math.round(performance.now() - started) };
}

async function run(
    target: DeployedContract,
    explorer: ExplorerConfig,
    options: VerifyOptions,
    client: ExplorerClient,
    signal: AbortSignal,
    step: { name: string },
): Promise<Outcome> {
    const artifact = loadArtifact(target.contract);
    const solcInput = options.solcInput ?? loadSolcInput();
    checkBuild(artifact, solcInput);

    step.name = "checking whether the source is already published (getsourcecode)";
    if (await sourcePublished(client, target.address, signal)) {
        return { status: "already-verified", detail: "source already published (getsourcecode)" };
    }

    step.name = "recovering the constructor arguments";
    const args = await resolveConstructorArgs(target, artifact, client, { url: explorer.rpcUrl, chainId: explorer.chainId }, signal);

    step.name = "submitting (verifysourcecode)";
    const hexArgs = args.encoded.slice(2);
    const submit = () =>
        client.post(
            {
                module: "contract",
                action: "verifysourcecode",
                codeformat: "solidity-standard-json-input",
                sourceCode: JSON.stringify(solcInput.input),
                contractaddress: target.address,
                contractname: `${artifact.sourceName}:${artifact.contractName}`,
                compilerversion: solcInput.compilerVersion,
                // Etherscan's own spelling; Blockscout's RPC controller reads the correct one, so send both
                // (as foundry-block-explorers does for Blockscout).
                constructorArguements: hexArgs,
                constructorArguments: hexArgs,
            },
            signal,
        );
    const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
    // Every wait below is bounded twice: by the deadline (signal) and by the number of polls that fit in it.
    const maxPolls = Math.ceil((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / Math.max(pollMs, 1)) + 1;
    let submitted = await submit();
    // A contract deployed moments ago (the deployment's hook) may not be indexed yet: ask again.
    for (let wait = 0; classify(submitted) === "not-indexed" && wait < maxPolls; wait++) {
        step.name = "waiting for the explorer to index the contract";
        await sleep(pollMs, undefined, { signal });
        submitted = await submit();
    }
    const argsNote = args.source === "none" ? "" : ` (constructor args from the ${args.source})`;
    switch (classify(submitted)) {
        case "already-verified":
            return { status: "already-verified", detail: `explorer: "${answerText(submitted)}"` };
        case "ok":
            break;
        default:
            return { status: "failed", detail: `submission refused: "${answerText(submitted)}"${argsNote}` };
    }
    const guid = answerText(submitted);

    step.name = `polling checkverifystatus (guid ${guid})`;
    for (let poll = 0; poll < maxPolls; poll++) {
        await sleep(pollMs, undefined, { signal });
        const status = await client.get({ module: "contract", action: "checkverifystatus", guid }, signal);
        const text = answerText(status);
        switch (classify(status)) {
            case "pending":
                continue;
            case "pass":
                return { status: "verified", detail: `explorer: "${text}"${argsNote}` };
            case "already-verified":
                return { status: "already-verified", detail: `explorer: "${text}"` };
            default:
                return { status: "failed", detail: `explorer: "${text}"${argsNote}` };
        }
    }
    return { status: "failed", detail: `still pending after ${maxPolls} polls (guid ${guid})` };
}

/** The artifact and the input must come from the same build, or the submission cannot match. */
function checkBuild(artifact: Artifact, solcInput: SolcInputRecord): void {
    if (solcInput.compilerVersion !== `v${artifact.compilerVersion}`) {
        throw new Error(`${artifact.contractName}: artifact built with solc ${artifact.compilerVersion}, the solc input says ${solcInput.compilerVersion}`);
    }
    if (solcInput.input.sources[artifact.sourceName] === undefined) {
        throw new Error(`${artifact.contractName}: the solc input has no source ${artifact.sourceName}`);
    }
}

/** getsourcecode: a verified contract has a non-empty SourceCode. */
async function sourcePublished(client: ExplorerClient, address: string, signal: AbortSignal): Promise<boolean> {
    const answer = await client.get({ module: "contract", action: "getsourcecode", address }, signal);
    if (answer.status !== "1" || !Array.isArray(answer.result)) return false;
    const first: unknown = answer.result[0];
    return (
        typeof first === "object" &&
        first !== null &&
        typeof (first as { SourceCode?: unknown }).SourceCode === "string" &&
        (first as { SourceCode: string }).SourceCode.length > 0
    );
}
