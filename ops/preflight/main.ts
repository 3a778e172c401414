// `npm run preflight`: before `pulumi up`, asks Azure whether the subscription can hold what the stack deploys: per
// region (at once, bounded) quotas, VM size offers, public IPs, AKS versions and role-assignment rights, plus the
// subscription's provider registrations. One block per region in config order, a summary, or --json.
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import pLimit from "p-limit";
import { group } from "../verify/report";
import { parsePreflightArgs, PREFLIGHT_USAGE, type PreflightArgs } from "./args";
import { ARM_SCOPE, armClients, type ArmTransport, type CallBounds } from "./arm";
import { loadPreflightConfig, type PreflightConfig } from "./config";
import { checkRegion } from "./region-checks";
import { renderText, type PreflightReport } from "./report";
import { providerChecks, subscriptionGrants } from "./subscription-checks";
import { regionTargets } from "./targets";

/** Where output goes (tests capture it). */
export interface PreflightIo {
    out(text: string): void;
    err(text: string): void;
}

/** Replaceable parts (tests): the credential, where ARM is, the environment the subscription id may come from. */
export interface PreflightDeps {
    credential?: TokenCredential;
    transport?: ArmTransport;
    env?: NodeJS.ProcessEnv;
}

/** The subscription: --subscription, then the environment CI and the Azure tools set, then the stack's provider config. */
export function subscriptionOf(args: PreflightArgs, config: PreflightConfig, env: NodeJS.ProcessEnv): string {
    const id = args.subscription ?? env["ARM_SUBSCRIPTION_ID"] ?? env["AZURE_SUBSCRIPTION_ID"] ?? config.subscriptionId;
    if (id === undefined || id === "") {
        throw new Error("no Azure subscription: pass --subscription <id>, or set ARM_SUBSCRIPTION_ID (as the deploy workflow does)");
    }
    return id;
}

/** Builds the report (no printing). */
export async function buildPreflightReport(
    args: PreflightArgs,
    config: PreflightConfig,
    subscriptionId: string,
    credential: TokenCredential,
    transport?: ArmTransport,
): Promise<PreflightReport> {
    const targets = regionTargets(config.fleet, args.regions);
    const clients = armClients(credential, subscriptionId, args.maxRetries, transport);
    const bounds: CallBounds = {
        deadline: AbortSignal.timeout(args.deadlineMs),
        deadlineMs: args.deadlineMs,
        timeoutMs: args.timeoutMs,
        maxRetries: args.maxRetries,
    };
    const grants = subscriptionGrants(clients, bounds);
    const limit = pLimit(args.concurrency);
    // Regions finish in any order; results are kept per region and printed in config order.
    const [providers, regionChecks] = await Promise.all([
        providerChecks(clients, bounds),
        Promise.all(targets.map((target) => limit(() => checkRegion(target, clients, bounds, config.fleet.kubernetesVersion, grants)))),
    ]);
    const subscription = group(subscriptionId, providers);
    const regions = targets.map((target, i) => group(`${target.plan.name}${target.kind === "admin" ? " (admin)" : ""}`, regionChecks[i]));
    return { stack: args.stack, subscriptionId, ok: subscription.ok && regions.every((g) => g.ok), subscription, regions };
}

/** Runs the CLI; returns the exit code (0 all passed, 1 a check failed, 2 bad usage or config, or no Azure login). */
export async function runPreflight(argv: readonly string[], io: PreflightIo, deps: PreflightDeps = {}): Promise<number> {
    let args: PreflightArgs;
    try {
        args = parsePreflightArgs(argv);
    } catch (error) {
        io.err(`preflight: ${(error as Error).message}\n${PREFLIGHT_USAGE}`);
        return 2;
    }
    if (args.help) {
        io.out(PREFLIGHT_USAGE);
        return 0;
    }
    let config: PreflightConfig;
    let subscriptionId: string;
    try {
        config = await loadPreflightConfig(args.stack, args.config);
        subscriptionId = subscriptionOf(args, config, deps.env ?? process.env);
        regionTargets(config.fleet, args.regions);
    } catch (error) {
        io.err(`preflight: ${(error as Error).message}`);
        return 2;
    }
    // DefaultAzureCredential: CI's workload identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE), then
    // a managed identity, then the Azure CLI login (`az login`). Without a token no check can run: say so once.
    const credential = deps.credential ?? new DefaultAzureCredential();
    try {
        const token = await credential.getToken(ARM_SCOPE, { abortSignal: AbortSignal.timeout(args.timeoutMs) });
        if (token === null) throw new Error("the credential returned no token");
    } catch (error) {
        io.err(`preflight: no Azure Resource Manager token (run \`az login\`, or give the job a workload identity): ${(error as Error).message}`);
        return 2;
    }
    const report = await buildPreflightReport(args, config, subscriptionId, credential, deps.transport);
    io.out(args.json ? JSON.stringify(report, null, 2) : renderText(report));
    return report.ok ? 0 : 1;
}
