// Mandatory: every AKS cluster authenticates through Entra ID with Azure RBAC, has no local accounts,
// runs workload identity with an OIDC issuer, and a supported Kubernetes minor.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asBoolean, asString, asStringArray, at } from "../lib/read";
import { MANAGED_CLUSTER } from "../lib/types";

export interface AksHardeningConfig {
    /** Lowest supported minor, e.g. "1.32". Default 1.32. */
    minimumKubernetesVersion?: string;
    /** If set, the only supported minors (e.g. ["1.32", "1.33", "1.34"]). Default: any ≥ the minimum. */
    supportedKubernetesVersions?: string[];
}

export const DEFAULT_MINIMUM_KUBERNETES_VERSION = "1.32";

/** `[major, minor]` of "1.34" or "1.34.2", undefined otherwise. */
export function parseMinor(version: string): [number, number] | undefined {
    const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(version.trim());
    return m === null ? undefined : [Number(m[1]), Number(m[2])];
}

/** Why `version` is not supported under `config`, or undefined when it is. */
export function unsupportedVersionReason(version: string | undefined, config: AksHardeningConfig): string | undefined {
    // Without a version AKS picks its current default, which changes under us.
    if (version === undefined) return "kubernetesVersion is not set";
    const parsed = parseMinor(version);
    if (parsed === undefined) return `kubernetesVersion "${version}" is not a Kubernetes version`;
    const minor = `${parsed[0]}.${parsed[1]}`;
    const supported = config.supportedKubernetesVersions;
    if (supported !== undefined && supported.length > 0) {
        return supported.includes(minor) ? undefined : `kubernetesVersion "${version}" is not a supported minor (${supported.join(", ")})`;
    }
    const min = parseMinor(config.minimumKubernetesVersion ?? DEFAULT_MINIMUM_KUBERNETES_VERSION);
    if (min === undefined) return `policy config minimumKubernetesVersion "${config.minimumKubernetesVersion}" is not a version`;
    const below = parsed[0] < min[0] || (parsed[0] === min[0] && parsed[1] < min[1]);
    return below ? `kubernetesVersion "${version}" is below the minimum supported ${min[0]}.${min[1]}` : undefined;
}

export const aksHardening: ResourceValidationPolicy = {
    name: "aks-entra-id-and-workload-identity",
    description: "AKS: Entra ID (managed AAD) with Azure RBAC, local accounts disabled, workload identity + OIDC issuer, a supported Kubernetes version.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            minimumKubernetesVersion: { type: "string", default: DEFAULT_MINIMUM_KUBERNETES_VERSION, description: "Lowest supported minor (e.g. 1.32)." },
            supportedKubernetesVersions: { type: "array", items: { type: "string" }, description: "Exact supported minors; overrides the minimum when set." },
        },
    },
    validateResource: (args, report) => {
        if (args.type !== MANAGED_CLUSTER) return;
        const props = args.props as Record<string, unknown>;
        const requireTrue = (path: string[], what: string) => {
            const value = asBoolean(at(props, ...path));
            if (value !== true) report(`${args.name}: ${path.join(".")} is ${JSON.stringify(value ?? null)}; ${what}`);
        };
        requireTrue(["aadProfile", "managed"], "the cluster must use Entra ID (managed AAD)");
        requireTrue(["aadProfile", "enableAzureRBAC"], "Kubernetes authorization must go through Azure RBAC");
        requireTrue(["disableLocalAccounts"], "local (certificate) accounts must be disabled");
        requireTrue(["oidcIssuerProfile", "enabled"], "workload identity needs the OIDC issuer");
        requireTrue(["securityProfile", "workloadIdentity", "enabled"], "pods authenticate to Azure through workload identity");
        const config = args.getConfig<AksHardeningConfig>();
        const reason = unsupportedVersionReason(asString(props["kubernetesVersion"]), {
            minimumKubernetesVersion: config.minimumKubernetesVersion,
            supportedKubernetesVersions: config.supportedKubernetesVersions === undefined ? undefined : asStringArray(config.supportedKubernetesVersions),
        });
        if (reason !== undefined) report(`${args.name}: ${reason}`);
    },
};
