// The Azure SDK clients preflight reads ARM through, and the bound on every call.
//
// Retries are the SDK's own: every client's pipeline has core-rest-pipeline's defaultRetryPolicy, whose
// throttlingRetryStrategy retries a 429 or 503 after the Retry-After (or retry-after-ms / x-ms-retry-after-ms) ARM
// sends, and exponentialRetryStrategy retries transient failures, `maxRetries` times in all (@typespec/ts-http-runtime
// policies/defaultRetryPolicy.js, retryStrategies/throttlingRetryStrategy.js). A Retry-After has no upper bound there,
// and the wait honours the request's abortSignal: so each call carries a signal that ends at its own timeout or at the
// run's deadline, whichever comes first.
import type { TokenCredential } from "@azure/identity";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ComputeManagementClient } from "@azure/arm-compute";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";

/** Azure Resource Manager in the public cloud, and the token scope of its API. */
export const ARM_ENDPOINT = "https://management.azure.com";
export const ARM_SCOPE = "https://management.azure.com/.default";

/** Where and how the clients reach ARM. Production uses the defaults; tests point them at a loopback fake. */
export interface ArmTransport {
    /** Default {@link ARM_ENDPOINT}. Must be https: the SDK sends bearer tokens over TLS only. */
    endpoint?: string;
    /** CA certificates (PEM) to trust instead of Node's defaults, e.g. the one that signed a test server's certificate. */
    ca?: string;
}

/** The five SDK clients of one subscription. */
export interface ArmClients {
    subscriptionId: string;
    credential: TokenCredential;
    compute: ComputeManagementClient;
    network: NetworkManagementClient;
    containerService: ContainerServiceClient;
    resources: ResourceManagementClient;
    authorization: AuthorizationManagementClient;
}

export function armClients(credential: TokenCredential, subscriptionId: string, maxRetries: number, transport: ArmTransport = {}): ArmClients {
    const endpoint = transport.endpoint ?? ARM_ENDPOINT;
    const common = {
        endpoint,
        tlsOptions: transport.ca === undefined ? undefined : { ca: transport.ca },
        retryOptions: { maxRetries },
        userAgentOptions: { userAgentPrefix: "chain138-preflight" },
    };
    return {
        subscriptionId,
        credential,
        compute: new ComputeManagementClient(credential, subscriptionId, common),
        network: new NetworkManagementClient(credential, subscriptionId, common),
        containerService: new ContainerServiceClient(credential, subscriptionId, common),
        resources: new ResourceManagementClient(credential, subscriptionId, common),
        // The older (core-client) generation builds its URLs from `$host` and its token scope from the endpoint.
        authorization: new AuthorizationManagementClient(credential, subscriptionId, { ...common, $host: endpoint, credentialScopes: [ARM_SCOPE] }),
    };
}

/** The bounds of one run: its deadline, each call's timeout and retry count (for messages). */
export interface CallBounds {
    deadline: AbortSignal;
    deadlineMs: number;
    timeoutMs: number;
    maxRetries: number;
}

/** An ARM call that failed; the message names the API and the reason, never a token. */
export class ArmCallError extends Error {
    constructor(
        message: string,
        readonly statusCode?: number,
        readonly code?: string,
    ) {
        super(message);
        this.name = "ArmCallError";
    }
}

/** Runs one ARM call (retries included) within its timeout and the run's deadline; errors say what and why. */
export async function armCall<T>(what: string, bounds: CallBounds, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.any([bounds.deadline, AbortSignal.timeout(bounds.timeoutMs)]);
    try {
        return await call(signal);
    } catch (error) {
        if (bounds.deadline.aborted) throw new ArmCallError(`${what}: the run's deadline (${seconds(bounds.deadlineMs)}) passed before ARM answered`);
        if (signal.aborted) {
            throw new ArmCallError(`${what}: no answer within ${seconds(bounds.timeoutMs)} (--timeout), retries and Retry-After waits included`);
        }
        const status = (error as { statusCode?: number }).statusCode;
        const code = (error as { code?: string }).code;
        const message = (error as Error).message;
        if (status === 429) {
            throw new ArmCallError(`${what}: still throttled by ARM (429) after ${bounds.maxRetries} retries that waited its Retry-After`, status, code);
        }
        throw new ArmCallError(`${what}: ${status ?? "no response"}${code ? ` ${code}` : ""}: ${message}`, status, code);
    }
}

/** Collects a paged list within the call's signal. */
export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
    const items: T[] = [];
    for await (const item of pages) items.push(item);
    return items;
}

function seconds(ms: number): string {
    return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
