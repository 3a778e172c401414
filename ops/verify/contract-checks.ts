// Contract suite checks per chain: code at every address, ownership by the chain's MultiSig, CCIP lanes
// on the routers and remote bridges on the bridges.
import { Interface, getAddress } from "ethers";
import { CONTRACT_NAMES, loadArtifact, type ContractName } from "../../contracts/artifacts";
import type { CheckResult } from "./report";
import type { RpcEndpoint } from "./rpc";

/** One chain's deployed suite as the stack outputs list it. */
export interface ChainSuite {
    chain: string;
    /** Contract name (e.g. `CCIPRouter`) → address. */
    addresses: Record<string, string>;
    /** Undefined when no RPC URL is known for the chain. */
    endpoint?: RpcEndpoint;
}

const BRIDGES = ["CCIPWETH9Bridge", "CCIPWETH10Bridge"] as const;

function isSuiteName(name: string): name is ContractName {
    return (CONTRACT_NAMES as readonly string[]).includes(name);
}

/** eth_call of a view function of a suite contract, decoded. */
async function view(endpoint: RpcEndpoint, name: ContractName, address: string, fn: string, args: unknown[], timeoutMs: number): Promise<unknown> {
    const iface = new Interface(loadArtifact(name).abi);
    const data = iface.encodeFunctionData(fn, args);
    const raw = await endpoint.call("eth_call", [{ to: address, data }, "latest"], timeoutMs);
    if (typeof raw !== "string") throw new Error(`${name}.${fn}: eth_call returned ${JSON.stringify(raw)}`);
    return iface.decodeFunctionResult(fn, raw)[0];
}

function hasFunction(name: ContractName, fn: string): boolean {
    return new Interface(loadArtifact(name).abi).getFunction(fn) !== null;
}

function same(a: unknown, b: string): boolean {
    return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

async function run(name: string, body: () => Promise<CheckResult>): Promise<CheckResult> {
    try {
        return await body();
    } catch (error) {
        return { name, status: "fail", detail: (error as Error).message };
    }
}

/** The local CCIP selector of each chain's router (read once, used by every chain's lane checks). */
export async function routerSelectors(suites: readonly ChainSuite[], timeoutMs: number): Promise<Map<string, bigint | Error>> {
    const out = new Map<string, bigint | Error>();
    await Promise.all(
        suites.map(async (s) => {
            const router = s.addresses.CCIPRouter;
            if (router === undefined || s.endpoint === undefined) return;
            try {
                out.set(s.chain, (await view(s.endpoint, "CCIPRouter", router, "getLocalChainSelector", [], timeoutMs)) as bigint);
            } catch (error) {
                out.set(s.chain, error as Error);
            }
        }),
    );
    return out;
}

/** What every check of one chain works with. */
interface ChainContext {
    suite: ChainSuite;
    endpoint: RpcEndpoint;
    /** The other chains' suites (lanes and remote bridges point at them). */
    others: readonly ChainSuite[];
    selectors: Map<string, bigint | Error>;
    timeoutMs: number;
}

/** Every check of `suite`, in a fixed order: code, ownership, lanes, bridges. */
export async function checkChain(
    suite: ChainSuite,
    all: readonly ChainSuite[],
    selectors: Map<string, bigint | Error>,
    timeoutMs: number,
): Promise<CheckResult[]> {
    const endpoint = suite.endpoint;
    if (endpoint === undefined) {
        return [{ name: "rpc", status: "fail", detail: `no RPC URL for chain ${suite.chain}: give --chain-rpc ${suite.chain}=<url>` }];
    }
    const context: ChainContext = { suite, endpoint, others: all.filter((s) => s.chain !== suite.chain), selectors, timeoutMs };
    return Promise.all([...codeChecks(context), ...ownershipChecks(context), ...laneChecks(context), ...bridgeChecks(context)]);
}

/** Code at every address the outputs name. */
function codeChecks({ suite, endpoint, timeoutMs }: ChainContext): Promise<CheckResult>[] {
    return Object.entries(suite.addresses).map(([name, address]) =>
        run(`${name} code`, async () => {
            const code = await endpoint.call("eth_getCode", [address, "latest"], timeoutMs);
            return code === "0x" || code === ""
                ? { name: `${name} code`, status: "fail", detail: `no code at ${address}` }
                : { name: `${name} code`, status: "pass", detail: `${(String(code).length - 2) / 2} bytes at ${address}` };
        }),
    );
}

/** Every ownable suite contract but the MultiSig is owned by the chain's MultiSig. */
function ownershipChecks({ suite, endpoint, timeoutMs }: ChainContext): Promise<CheckResult>[] {
    const multisig = suite.addresses.MultiSig;
    const checks: Promise<CheckResult>[] = [];
    for (const [name, address] of Object.entries(suite.addresses)) {
        if (!isSuiteName(name) || name === "MultiSig" || !hasFunction(name, "owner")) continue;
        const check = `${name} owner`;
        checks.push(
            run(check, async () => {
                if (multisig === undefined) return { name: check, status: "fail", detail: `no MultiSig among ${suite.chain}'s contract outputs` };
                const owner = (await view(endpoint, name, address, "owner", [], timeoutMs)) as string;
                if (same(owner, multisig)) return { name: check, status: "pass", detail: `owned by MultiSig ${multisig}` };
                const pending = hasFunction(name, "pendingOwner")
                    ? ((await view(endpoint, name, address, "pendingOwner", [], timeoutMs)) as string)
                    : undefined;
                const why = pending !== undefined && same(pending, multisig) ? " (transfer to the MultiSig started, acceptOwnership not yet executed)" : "";
                return { name: check, status: "fail", detail: `owner is ${owner}, expected MultiSig ${multisig}${why}` };
            }),
        );
    }
    return checks;
}

/** The router has an enabled lane to every other chain's router. */
function laneChecks({ suite, endpoint, others, selectors, timeoutMs }: ChainContext): Promise<CheckResult>[] {
    const router = suite.addresses.CCIPRouter;
    if (router === undefined) return [];
    const checks: Promise<CheckResult>[] = [];
    for (const other of others) {
        const remoteRouter = other.addresses.CCIPRouter;
        if (remoteRouter === undefined) continue;
        const check = `CCIPRouter lane to ${other.chain}`;
        checks.push(
            run(check, async () => {
                const selector = selectors.get(other.chain);
                if (!(typeof selector === "bigint")) throw new Error(`cannot read ${other.chain}'s router selector: ${selector?.message ?? "no RPC URL"}`);
                const lane = (await view(endpoint, "CCIPRouter", router, "getLane", [selector], timeoutMs)) as {
                    enabled: boolean;
                    remoteRouter: string;
                    threshold: bigint;
                };
                if (!lane.enabled) return { name: check, status: "fail", detail: `lane to selector ${selector} is not enabled` };
                if (!same(lane.remoteRouter, remoteRouter))
                    return {
                        name: check,
                        status: "fail",
                        detail: `lane points at ${lane.remoteRouter}, ${other.chain}'s router is ${getAddress(remoteRouter)}`,
                    };
                return {
                    name: check,
                    status: "pass",
                    detail: `enabled, selector ${selector}, remote router ${lane.remoteRouter}, threshold ${lane.threshold}`,
                };
            }),
        );
    }
    return checks;
}

/** Each bridge uses the chain's router and knows the other chains' bridges as its remotes. */
function bridgeChecks({ suite, endpoint, others, selectors, timeoutMs }: ChainContext): Promise<CheckResult>[] {
    const router = suite.addresses.CCIPRouter;
    const checks: Promise<CheckResult>[] = [];
    for (const bridge of BRIDGES) {
        const address = suite.addresses[bridge];
        if (address === undefined) continue;
        checks.push(
            run(`${bridge} router`, async () => {
                const actual = (await view(endpoint, bridge, address, "getRouter", [], timeoutMs)) as string;
                if (router === undefined) return { name: `${bridge} router`, status: "fail", detail: `no CCIPRouter among ${suite.chain}'s contract outputs` };
                return same(actual, router)
                    ? { name: `${bridge} router`, status: "pass", detail: `uses router ${actual}` }
                    : { name: `${bridge} router`, status: "fail", detail: `uses router ${actual}, expected ${router}` };
            }),
        );
        for (const other of others) {
            const remote = other.addresses[bridge];
            if (remote === undefined) continue;
            const check = `${bridge} remote on ${other.chain}`;
            checks.push(
                run(check, async () => {
                    const selector = selectors.get(other.chain);
                    if (!(typeof selector === "bigint"))
                        throw new Error(`cannot read ${other.chain}'s router selector: ${selector?.message ?? "no router or RPC URL"}`);
                    const actual = (await view(endpoint, bridge, address, "remoteBridge", [selector], timeoutMs)) as string;
                    return same(actual, remote)
                        ? { name: check, status: "pass", detail: `selector ${selector} → ${actual}` }
                        : { name: check, status: "fail", detail: `selector ${selector} → ${actual}, expected ${other.chain}'s bridge ${getAddress(remote)}` };
                }),
            );
        }
    }
    return checks;
}
