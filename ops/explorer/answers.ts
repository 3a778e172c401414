// Classifies the `result` strings of the Etherscan-compatible contract API.
//
// What was checked (search, 2026-11): Blockscout's RPC ContractController
// (blockscout/blockscout apps/block_scout_web/.../api/rpc/contract_controller.ex) answers
// checkverifystatus with exactly "Pending in queue", "Pass - Verified", "Fail - Unable to verify"
// or "Unknown UID", and a submission for a verified address with status "0" and
// "Smart-contract already verified."; hardhat-etherscan's EtherscanService compares the same
// three status strings for Etherscan. Etherscan itself answers "Already Verified" (status poll) or
// "Contract source code already verified" (submission), "Max rate limit reached[, …]" with status
// "0" when throttled, and appends a reason to "Fail - Unable to verify" at times. Hence prefix /
// substring matches, case-insensitive.

/** The envelope every answer of the API comes in. */
export interface ApiAnswer {
    status: string;
    message: string;
    result: unknown;
}

export type AnswerKind = "ok" | "pending" | "pass" | "already-verified" | "rate-limited" | "not-indexed" | "failed";

/** Text of an answer's `result` (or `message` when the result is not a string). */
export function answerText(answer: ApiAnswer): string {
    return typeof answer.result === "string" ? answer.result : answer.message;
}

export function isRateLimit(answer: ApiAnswer): boolean {
    return answer.status !== "1" && /rate limit/i.test(answerText(answer));
}

/** What an answer means for a verification in progress. */
export function classify(answer: ApiAnswer): AnswerKind {
    const text = answerText(answer);
    if (isRateLimit(answer)) return "rate-limited";
    if (/already verified/i.test(text)) return "already-verified";
    if (/^pending in queue/i.test(text)) return "pending";
    // Etherscan, right after a deployment, until its indexer has the code (hardhat-etherscan waits too).
    if (/^unable to locate contractcode/i.test(text)) return "not-indexed";
    if (/^pass - verified/i.test(text)) return "pass";
    if (answer.status === "1") return "ok";
    return "failed";
}
