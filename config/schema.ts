import { z } from "zod";

/**
 * The stack configuration contract (the `chain138:` namespace). Defaults live in Pulumi.yaml,
 * where the CLI applies them; this schema only says what a valid value looks like, and
 * `strictObject` turns a misspelt key into an error that names it.
 */

const vmSize = z.string().regex(/^Standard_[A-Za-z0-9_]+$/, "must be an Azure VM size such as Standard_D2s_v5");
const region = z.string().min(1);
const cidr = z.string().min(1);

export const nodeSizesSchema = z.strictObject({
    system: vmSize,
    validator: vmSize,
    sentry: vmSize,
});

export const rolloutSchema = z.strictObject({
    /** Explicit waves of validator regions; defaults to the catalog's waves for the configured regions. */
    waves: z.array(z.array(region).min(1)).min(1).optional(),
    /** How many waves (from the first) this stack deploys; defaults to all of them. */
    deployWaves: z.number().int().min(1).optional(),
});

export const adminSchema = z.strictObject({
    nodeSize: vmSize,
    nodeCount: z.number().int().min(1),
    /** Pinned kube-prometheus-stack chart version for the monitoring stack. */
    monitoringChartVersion: z.string().min(1),
    logRetentionDays: z.number().int().min(30).max(730),
});

export const tagsSchema = z.strictObject({
    owner: z.string().min(1),
    costCentre: z.string().min(1),
});

export const fleetConfigSchema = z.strictObject({
    regions: z.array(region),
    adminRegion: region,
    validatorsPerRegion: z.number().int().min(1),
    sentriesPerRegion: z.number().int().min(0),
    vcpuQuotaPerRegion: z.number().int().min(1),
    systemNodeCount: z.number().int().min(1),
    nodeSizes: nodeSizesSchema,
    rollout: rolloutSchema,
    kubernetesVersion: z.string().regex(/^1\.\d+(\.\d+)?$/, "must look like 1.33 or 1.33.2"),
    vnetCidrs: z.record(z.string(), cidr).optional(),
    tags: tagsSchema,
    admin: adminSchema,
    aksAdminGroupObjectIds: z.array(z.uuid()),
    kubeloginMode: z.enum(["azurecli", "workloadidentity", "spn", "msi"]),
    chainId: z.number().int().min(1),
    /** Contract deployer private key; a Pulumi secret (never printed: the message names only the key). */
    deployerKey: z
        .string()
        .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits (the value is not shown)")
        .optional(),
});

/** Raw, schema-checked config before cross-field validation. */
export type RawFleetConfig = z.infer<typeof fleetConfigSchema>;

/** Keys whose values are plain strings; every other key holds JSON (numbers, lists, objects). */
export const STRING_KEYS: ReadonlySet<string> = new Set(["adminRegion", "kubernetesVersion", "kubeloginMode", "deployerKey"]);
