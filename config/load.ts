import * as pulumi from "@pulumi/pulumi";
import { decodeConfigValues, splitConfigKey } from "./decode";
import { AlertReceiverPlan, AttesterPlan, ChainPlan, FleetConfig, FleetConfigError, MonitoringPlan, RelayerPlan, validateFleetConfig } from "./fleet-config";
import type { OwnClusterPlan } from "./own-clusters";
import { isEmptyObject } from "./schema";

/** A configured chain whose RPC URL (it may carry an API key) only ever travels as a secret Output. */
export interface LoadedChainPlan extends Omit<ChainPlan, "rpcUrl"> {
    /** Undefined exactly when `rpcFromFleet`: the fleet provides the endpoint (components/chain-endpoints.ts). */
    readonly rpcUrl?: pulumi.Output<string>;
}

/** The relayer's settings with its key as a secret Output. */
export interface LoadedRelayerPlan extends Omit<RelayerPlan, "relayerKey"> {
    readonly relayerKey: pulumi.Output<string>;
}

/** An attester service with its key, token and RPC URLs as secret Outputs (addresses stay plain: they are public). */
export type LoadedAttesterPlan =
    | (Omit<Extract<AttesterPlan, { kind: "deployed" }>, "key" | "token" | "rpcUrls"> & {
          readonly key: pulumi.Output<string>;
          readonly token: pulumi.Output<string>;
          readonly rpcUrls: pulumi.Output<Record<string, string>>;
          /** Chain names with an own RPC URL (not secret). */
          readonly ownRpcChains: string[];
      })
    | (Omit<Extract<AttesterPlan, { kind: "external" }>, "token"> & { readonly token: pulumi.Output<string> });

/** Observability settings with the remote-write secret and the receivers' credentials as secret Outputs. */
export interface LoadedMonitoringPlan extends Omit<MonitoringPlan, "remoteWriteSecret" | "receivers"> {
    readonly remoteWriteSecret: pulumi.Output<string>;
    readonly receivers: pulumi.Output<AlertReceiverPlan[]>;
    /** Receiver names (not secret): routes and tests refer to them. */
    readonly receiverNames: string[];
}

/** An own cluster with its kubeconfig a secret Output. */
export interface LoadedOwnClusterPlan extends Omit<OwnClusterPlan, "kubeconfig"> {
    readonly kubeconfig: pulumi.Output<string>;
}

/** The validated fleet plus the deployer key, RPC URLs and relayer keys, which only ever travel as secret Outputs. */
export interface LoadedFleetConfig extends Omit<FleetConfig, "chains" | "relayer" | "attesters" | "rpcPublicTls" | "monitoring" | "ownClusters"> {
    readonly ownClusters: LoadedOwnClusterPlan[];
    readonly deployerKey?: pulumi.Output<string>;
    /** The operator's certificate for the public RPC endpoints; the key a secret Output. */
    readonly rpcPublicTls?: { readonly hostname: string; readonly certificate: pulumi.Output<string>; readonly privateKey: pulumi.Output<string> };
    readonly chains: LoadedChainPlan[];
    readonly relayer?: LoadedRelayerPlan;
    readonly attesters: LoadedAttesterPlan[];
    readonly monitoring?: LoadedMonitoringPlan;
}

/**
 * Reads this project's whole config namespace once and validates it. The one place the
 * program touches raw config; it registers no resources, so a bad stack fails before any
 * cloud call with a message that names each culprit.
 */
export function loadFleetConfig(): LoadedFleetConfig {
    const namespace = pulumi.getProject();
    const raw = decodeNamespace(pulumi.runtime.allConfig(), namespace);
    const deployerKeyName = `${namespace}:deployerKey`;
    if (raw["deployerKey"] !== undefined && !isConfigSecret(deployerKeyName)) {
        throw new pulumi.RunError(
            `invalid stack configuration:\n  - ${deployerKeyName} is stored in plain text; ` +
                `remove it and set it again with \`pulumi config set --secret ${deployerKeyName} 0x…\``,
        );
    }
    const chainsKey = `${namespace}:chains`;
    if (raw["chains"] !== undefined && !isConfigSecret(chainsKey)) {
        const exposed = credentialedChains(raw["chains"]);
        if (exposed.length > 0) {
            throw new pulumi.RunError(
                `invalid stack configuration:\n  - ${chainsKey}: the RPC URL of ${exposed.join(", ")} carries credentials (user info, path or query) ` +
                    `but is stored in plain text; set it with \`pulumi config set --secret --path '${"chains.<name>.rpcUrl"}' …\``,
            );
        }
    }
    const explorersKey = `${namespace}:explorers`;
    if (raw["explorers"] !== undefined && !isConfigSecret(explorersKey)) {
        const keyed = explorersWithApiKeys(raw["explorers"]);
        if (keyed.length > 0) {
            throw new pulumi.RunError(
                `invalid stack configuration:\n  - ${explorersKey}: the API key of ${keyed.join(", ")} is stored in plain text; ` +
                    `set it with \`pulumi config set --secret --path '${"explorers.<name>.apiKey"}' …\``,
            );
        }
    }
    const relayerKey = `${namespace}:relayer`;
    if (raw["relayer"] !== undefined && !isEmptyObject(raw["relayer"]) && !isConfigSecret(relayerKey)) {
        throw new pulumi.RunError(
            `invalid stack configuration:\n  - ${relayerKey} holds the relayer's private key but is stored in plain text; ` +
                `set it with \`pulumi config set --secret --path '${"relayer.relayerKey"}' …\``,
        );
    }
    const attestersKey = `${namespace}:attesters`;
    if (raw["attesters"] !== undefined && !isEmptyObject(raw["attesters"]) && !isConfigSecret(attestersKey)) {
        throw new pulumi.RunError(
            `invalid stack configuration:\n  - ${attestersKey} holds attester keys and tokens but is stored in plain text; ` +
                `set them with \`pulumi config set --secret --path '${"attesters.<name>.key"}' …\` (and token)`,
        );
    }
    const publicTlsKey = `${namespace}:rpcPublicTls`;
    if (raw["rpcPublicTls"] !== undefined && !isEmptyObject(raw["rpcPublicTls"]) && !isConfigSecret(publicTlsKey)) {
        throw new pulumi.RunError(
            `invalid stack configuration:\n  - ${publicTlsKey} holds a TLS private key but is stored in plain text; ` +
                `set it with \`pulumi config set --secret --path '${"rpcPublicTls.privateKey"}' …\``,
        );
    }
    const monitoringKey = `${namespace}:monitoring`;
    if (raw["monitoring"] !== undefined && !isEmptyObject(raw["monitoring"]) && !isConfigSecret(monitoringKey)) {
        throw new pulumi.RunError(
            `invalid stack configuration:\n  - ${monitoringKey} holds the remote-write secret and the alert receivers' credentials but is stored in plain text; ` +
                `set it with \`pulumi config set --secret --path '${"monitoring.remoteWriteSecret"}' …\` (and the receivers the same way)`,
        );
    }
    const clustersKey = `${namespace}:clusters`;
    if (raw["clusters"] !== undefined && !isEmptyObject(raw["clusters"]) && !isConfigSecret(clustersKey)) {
        throw new pulumi.RunError(
            `invalid stack configuration:\n  - ${clustersKey} holds kubeconfigs (cluster credentials) but is stored in plain text; ` +
                `set them with \`pulumi config set --secret --path '${"clusters.<name>.kubeconfig"}' …\``,
        );
    }
    try {
        const fleet = validateFleetConfig(raw, { namespace, environment: pulumi.getStack() });
        for (const warning of fleet.warnings) pulumi.log.warn(warning);
        const key = raw["deployerKey"];
        // RPC URLs are secret whether or not the CLI marked `chains` secret: they often embed API keys.
        const chains = fleet.chains.map((chain) => ({ ...chain, rpcUrl: chain.rpcUrl === undefined ? undefined : pulumi.secret(chain.rpcUrl) }));
        const relayer = fleet.relayer === undefined ? undefined : { ...fleet.relayer, relayerKey: pulumi.secret(fleet.relayer.relayerKey) };
        const attesters: LoadedAttesterPlan[] = fleet.attesters.map((a) =>
            a.kind === "deployed"
                ? { ...a, key: pulumi.secret(a.key), token: pulumi.secret(a.token), rpcUrls: pulumi.secret(a.rpcUrls), ownRpcChains: Object.keys(a.rpcUrls) }
                : { ...a, token: pulumi.secret(a.token) },
        );
        const rpcPublicTls =
            fleet.rpcPublicTls === undefined
                ? undefined
                : {
                      ...fleet.rpcPublicTls,
                      certificate: pulumi.output(fleet.rpcPublicTls.certificate),
                      privateKey: pulumi.secret(fleet.rpcPublicTls.privateKey),
                  };
        const monitoring =
            fleet.monitoring === undefined
                ? undefined
                : {
                      ...fleet.monitoring,
                      remoteWriteSecret: pulumi.secret(fleet.monitoring.remoteWriteSecret),
                      receivers: pulumi.secret(fleet.monitoring.receivers),
                      receiverNames: fleet.monitoring.receivers.map((r) => r.name),
                  };
        const ownClusters = fleet.ownClusters.map((plan) => ({ ...plan, kubeconfig: pulumi.secret(plan.kubeconfig) }));
        return {
            ...fleet,
            chains,
            relayer,
            attesters,
            rpcPublicTls,
            monitoring,
            ownClusters,
            deployerKey: typeof key === "string" ? pulumi.secret(key) : undefined,
        };
    } catch (error) {
        // RunError ends the program with just the message: no stack trace to read past.
        if (error instanceof FleetConfigError) throw new pulumi.RunError(error.message);
        throw error;
    }
}

/** Names of explorers that carry an apiKey (never the key itself). */
function explorersWithApiKeys(explorers: unknown): string[] {
    if (typeof explorers !== "object" || explorers === null) return [];
    return Object.entries(explorers as Record<string, unknown>)
        .filter(([, explorer]) => typeof explorer === "object" && explorer !== null && "apiKey" in explorer)
        .map(([name]) => name);
}

/** Names of chains whose rpcUrl looks like it embeds an API key or password (never the URL itself). */
function credentialedChains(chains: unknown): string[] {
    if (typeof chains !== "object" || chains === null) return [];
    return Object.entries(chains as Record<string, unknown>)
        .filter(([, chain]) => {
            const url = (chain as { rpcUrl?: unknown } | null)?.rpcUrl;
            if (typeof url !== "string") return false;
            try {
                const parsed = new URL(url);
                return parsed.username !== "" || parsed.password !== "" || (parsed.pathname !== "/" && parsed.pathname !== "") || parsed.search !== "";
            } catch {
                return false;
            }
        })
        .map(([name]) => name);
}

/**
 * The CLI hands every value over as a string, structured ones as JSON. Decode the keys of one
 * namespace into plain values; a key that should be JSON but is not is reported by name (config/decode.ts).
 */
export function decodeNamespace(all: Record<string, string>, namespace: string): Record<string, unknown> {
    const values: Record<string, string> = {};
    const secret = new Set<string>();
    for (const [fullKey, value] of Object.entries(all)) {
        const [keyNamespace, key] = splitConfigKey(fullKey);
        if (keyNamespace !== namespace || key === undefined) continue;
        values[key] = value;
        if (isConfigSecret(fullKey)) secret.add(key);
    }
    const { raw, undecodable } = decodeConfigValues(values, namespace, secret);
    if (undecodable.length > 0) throw new pulumi.RunError(new FleetConfigError(undecodable).message);
    return raw;
}

/**
 * Whether the CLI marked `key` secret (PULUMI_CONFIG_SECRET_KEYS). The SDK exports this at
 * runtime but leaves it out of its typings, hence the narrow cast.
 */
function isConfigSecret(key: string): boolean {
    const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };
    return runtime.isConfigSecret(key);
}
