// Where the relayer's attester signatures come from: remote attester services (attester/, the prod shape: the
// relayer holds no attester key) or, for tests and tools, keys in this process. Every signature, local or remote, is
// checked against the digest before it is used: an attester answering with a wrong or foreign signature counts as absent.
import { Wallet, getAddress, recoverAddress } from "ethers";
import { attesterInfoSchema, messageToJson, refusalSchema, signResponseSchema } from "../attester/protocol";
import type { SentMessage } from "./router";
import { RetryableError, describe } from "./retry";

/** Timeout of one request to an attester: a hung attester costs the lane this much, never more. */
export const ATTESTER_REQUEST_TIMEOUT_MS = 10_000;

/** A remote attester the relayer asks for signatures. */
export interface AttesterEndpoint {
    /** Base URL, e.g. http://attester-0.attesters.svc:8547. */
    url: string;
    /** The attester's address: checked against the lane's attesters at start and against every signature. */
    address: string;
    /** Bearer token this attester expects from the relayer (attester/server.ts). */
    token: string;
}

/** One source of signatures for one attester address. */
export interface AttesterClient {
    readonly address: string;
    /** Where it is, for logs (never a token or key). */
    readonly label: string;
    /** Its signature over `digest` for `sent`, or an error saying why not. */
    sign(sent: SentMessage, digest: string): Promise<string>;
}

/** An attester key held in this process (tests, tools); the relayer signs what it scanned, nothing else checks it. */
export function localAttester(key: string, index: number): AttesterClient {
    let wallet: Wallet;
    try {
        wallet = new Wallet(key.trim());
    } catch {
        throw new Error(`attesterKeys[${index}] is not a valid private key`); // never echo the value
    }
    return {
        address: wallet.address,
        label: `local key ${wallet.address}`,
        sign: (_sent, digest) => Promise.resolve(wallet.signingKey.sign(digest).serialized),
    };
}

async function request(endpoint: AttesterEndpoint, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
        res = await fetch(new URL(path, endpoint.url), {
            method: body === undefined ? "GET" : "POST",
            headers: { authorization: `Bearer ${endpoint.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(ATTESTER_REQUEST_TIMEOUT_MS),
        });
    } catch (err) {
        // undici's "fetch failed" says nothing; its cause (ECONNREFUSED, a timeout) does.
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`unreachable (${cause?.code ?? cause?.message ?? describe(err)})`, { cause: err });
    }
    const text = await res.text();
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        json = { error: text.slice(0, 200) };
    }
    return { status: res.status, json };
}

/** An attester service reached over HTTP. */
export function remoteAttester(endpoint: AttesterEndpoint): AttesterClient {
    let address: string;
    try {
        address = getAddress(endpoint.address);
    } catch {
        throw new Error(`attester ${endpoint.url}: address ${endpoint.address} is not an address`);
    }
    const label = `${address} at ${new URL(endpoint.url).origin}`;
    return {
        address,
        label,
        sign: async (sent) => {
            const { status, json } = await request(endpoint, "/v1/sign", {
                destChainSelector: String(sent.destChainSelector),
                blockNumber: sent.blockNumber,
                message: messageToJson(sent.message),
            });
            if (status !== 200) {
                const refusal = refusalSchema.safeParse(json);
                throw new Error(refusal.success ? `refused (${refusal.data.reason}): ${refusal.data.error}` : `HTTP ${status}`);
            }
            const answer = signResponseSchema.safeParse(json);
            if (!answer.success) throw new Error("answered a malformed signature response");
            return answer.data.signature;
        },
    };
}

/** Asks the endpoint who it is; throws when it names another address, returns a warning text when it cannot be asked. */
export async function probeAttester(endpoint: AttesterEndpoint): Promise<string | undefined> {
    const where = new URL(endpoint.url).origin;
    let answer: { status: number; json: unknown };
    try {
        answer = await request(endpoint, "/v1/attester");
    } catch (err) {
        return `attester ${endpoint.address} at ${where} is not reachable now (${describe(err)}); lanes pause while fewer than their threshold answer`;
    }
    if (answer.status === 401) throw new Error(`attester ${endpoint.address} at ${where} refused the relayer's token (HTTP 401): check its tokenEnv`);
    const info = attesterInfoSchema.safeParse(answer.json);
    if (answer.status !== 200 || !info.success)
        return `attester ${endpoint.address} at ${where} answered HTTP ${answer.status}; lanes pause while fewer than their threshold answer`;
    if (getAddress(info.data.attester) !== getAddress(endpoint.address)) {
        throw new Error(`attester endpoint ${where} signs as ${info.data.attester}, but the config says ${getAddress(endpoint.address)}`);
    }
    return undefined;
}

/** Fewer than a lane's threshold of its attesters signed: the lane waits (serveLane pauses it) and asks again. */
export class AttestersBelowThreshold extends RetryableError {}

/**
 * `threshold` verified signatures over `digest`, in the ascending signer order the router requires
 * (CCIPRouter._verifyAttestations: AttestersNotAscending). All attesters are asked at once; each answer is checked
 * with ecrecover against the attester's address before it counts.
 */
export async function collectSignatures(
    laneName: string,
    attesters: readonly AttesterClient[],
    threshold: number,
    sent: SentMessage,
    digest: string,
): Promise<string[]> {
    const answers = await Promise.allSettled(
        attesters.map(async (a) => {
            const signature = await a.sign(sent, digest);
            let signer: string;
            try {
                signer = recoverAddress(digest, signature);
            } catch {
                throw new Error("answered an invalid signature");
            }
            if (signer !== a.address) throw new Error(`answered a signature by ${signer}, not over this message by itself`);
            return { address: a.address, signature };
        }),
    );
    const good = answers.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    if (good.length < threshold) {
        const why = answers.flatMap((r, i) => (r.status === "rejected" ? [`${attesters[i].label}: ${describe(r.reason)}`] : []));
        throw new AttestersBelowThreshold(
            `lane ${laneName} #${sent.message.sequenceNumber}: attesters below threshold, ${good.length} of ${threshold} signatures (${why.join("; ")})`,
        );
    }
    return good
        .sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1))
        .slice(0, threshold)
        .map((g) => g.signature);
}
