// Platform facts the tests check the program against, each written from its source and never taken from the
// program's own tables (regions/vm-sizes.ts, config/fleet-config.ts, components/cluster.ts).

/**
 * vCPUs of one VM, from Azure's size pages (learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/):
 * "Dsv5-series": Standard_D2s_v5 2 vCPUs, D4s_v5 4, D8s_v5 8; "Dasv5-series": Standard_D2as_v5 2, D4as_v5 4,
 * D8as_v5 8. A size missing here fails the test: add it from its size page, not from the program.
 */
export const AZURE_VCPUS: Readonly<Record<string, number>> = {
    Standard_D2s_v5: 2,
    Standard_D4s_v5: 4,
    Standard_D8s_v5: 8,
    Standard_D2as_v5: 2,
    Standard_D4as_v5: 4,
    Standard_D8as_v5: 8,
};

/** vCPUs of `size` per AZURE_VCPUS; throws for a size the table does not list. */
export function azureVcpus(size: string): number {
    const vcpus = AZURE_VCPUS[size];
    if (vcpus === undefined) throw new Error(`${size}: not in tests/support/aks-rules.ts AZURE_VCPUS (add it from Azure's VM size page)`);
    return vcpus;
}

/**
 * Nodes an AKS upgrade setting stands for. AgentPoolUpgradeSettings (AKS REST API): maxSurge and maxUnavailable
 * take "an integer (e.g. '5') or a percentage (e.g. '50%')" of the pool; "fractional nodes are rounded up";
 * maxSurge defaults to 10%, maxUnavailable to 0. `unset` is the default for the setting asked about.
 */
export function upgradeNodes(value: string | undefined, count: number, unset: string): number {
    const text = value ?? unset;
    return text.endsWith("%") ? Math.ceil((count * Number(text.slice(0, -1))) / 100) : Number(text);
}

/** maxSurge's default (AgentPoolUpgradeSettings). */
export const AKS_DEFAULT_MAX_SURGE = "10%";
/** maxUnavailable's default (AgentPoolUpgradeSettings). */
export const AKS_DEFAULT_MAX_UNAVAILABLE = "0";

/** A Kubernetes taint (`key=value:Effect`) and toleration, as in the core/v1 API. */
export interface Toleration {
    key?: string;
    operator?: string;
    value?: string;
    effect?: string;
}

/**
 * Whether a toleration tolerates `taint` ("Taints and Tolerations", kubernetes.io): keys match and the effects
 * match (an empty effect matches all), with operator Exists (no value) or Equal (the default) and equal values;
 * an empty key with Exists tolerates everything.
 */
export function tolerates(tolerations: readonly Toleration[], taint: string): boolean {
    const match = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(taint);
    if (!match) throw new Error(`not a taint: ${taint}`);
    const [, key, value = "", effect] = match;
    return tolerations.some((t) => {
        if (t.effect !== undefined && t.effect !== "" && t.effect !== effect) return false;
        if (t.operator === "Exists") return t.key === undefined || t.key === "" || t.key === key;
        return t.key === key && (t.value ?? "") === value;
    });
}
