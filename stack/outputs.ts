// The stack outputs: what the program exports (index.ts, components/fleet.ts fleetOutputs) and what every tool
// reads (verify, fleet, verify:contracts). One schema, so a renamed or retyped output fails a test instead of a
// tool in production: tests/unit/stack-outputs.test.ts checks that the program's outputs on every stack parse to
// exactly themselves, and the e2e test parses the real CLI's `pulumi stack output --json --show-secrets`.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { CONTRACT_NAMES } from "../contracts/artifacts";
import { WEEKDAYS } from "../regions/maintenance";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address");
const count = z.number().int().nonnegative();

const nodePool = z.object({
    name: z.string().min(1),
    role: z.enum(["system", "admin", "validator", "sentry"]),
    vmSize: z.string().min(1),
    count,
    /** count × the size's vCPUs. */
    vcpus: count,
});

const azureRegionOutputs = z.object({
    clusterName: z.string().min(1),
    resourceGroup: z.string().min(1),
    /** Rollout wave, 1-based. */
    wave: z.number().int().positive(),
    nodePools: z.array(nodePool).min(1),
    vcpuUsed: count,
    vcpuSurge: count,
    vcpuPeak: count,
    vcpuQuota: count,
    maintenanceWindow: z.object({ dayOfWeek: z.enum(WEEKDAYS), startHour: z.number().int().min(0).max(23), durationHours: z.number().int().positive() }),
});

/** A region on a cluster the operator already has (`chain138:clusters`, components/own-cluster-region.ts). */
const ownClusterRegionOutputs = z.strictObject({
    /** The region name (an own cluster has no cloud name the program knows). */
    clusterName: z.string().min(1),
    wave: z.number().int().positive(),
    ownCluster: z.strictObject({ p2pPublishing: z.enum(["NodePort", "LoadBalancer"]), validators: count, sentries: count }),
});

/**
 * A region is an own cluster's when it says so (`ownCluster`), else an AKS region's. Routed by hand rather than by
 * z.union, whose error for a broken region is only "Invalid input": the tools' messages name the offending field.
 */
const regionOutputs = z.unknown().transform((value, ctx): z.infer<typeof azureRegionOutputs> | z.infer<typeof ownClusterRegionOutputs> => {
    const own = typeof value === "object" && value !== null && "ownCluster" in value;
    const parsed = (own ? ownClusterRegionOutputs : azureRegionOutputs).safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    return z.NEVER;
});

const adminOutputs = z.object({
    region: z.string().min(1),
    clusterName: z.string().min(1),
    resourceGroup: z.string().min(1),
    logAnalyticsWorkspaceId: z.string().min(1),
    backupStorageAccount: z.string().min(1),
    backupContainer: z.string().min(1),
    /** How to reach Grafana (a command line, not a URL). */
    grafana: z.string().min(1),
});

const besuOutputs = z.object({
    chainId: z.number().int().positive(),
    /** The genesis validator set. */
    validatorAddresses: z.array(address).min(1),
    /** Validators to add/remove by QBFT votes against the launched genesis (components/besu/genesis-lock.ts). */
    validatorChanges: z.object({ add: z.array(address), remove: z.array(address) }),
    /** Validator node name (`<region>-validator-<i>`) → address. */
    validatorNodes: z.record(z.string(), address),
    /** Node name → `enode://<id>@<public ip>:<port>`, every configured region's validators and sentries. */
    enodes: z.record(z.string(), z.string().regex(/^enode:\/\/[0-9a-f]{128}@/, "expected an enode URL")),
    genesisJson: z.string().min(2),
});

/** Where each deployed region serves JSON-RPC (components/region-deployment.ts), and the CA of the public endpoints. */
const rpcOutputs = z.object({
    /** PEM of the stack's RPC CA (components/rpc-tls.ts): what clients of the public endpoints trust. Absent without them. */
    caCertificate: z.string().startsWith("-----BEGIN CERTIFICATE-----").optional(),
    regions: z.record(
        z.string(),
        z.object({
            /** `http://<internal LB IP>:8545`, reachable from the admin region (the hub) over VNet peering. */
            private: z.url({ protocol: /^http$/ }).optional(),
            /** `https://<public IP>`, for sources in chain138:rpcAllowedCidrs. */
            public: z.url({ protocol: /^https$/ }).optional(),
            /** The name chain138:rpcPublicTls's certificate serves there (its DNS record is the operator's). */
            publicHostname: z.string().min(1).optional(),
        }),
    ),
});

/** The fleet's outputs: present together on a stack with Azure regions, absent on a contracts-only stack (dev). */
const fleetOutputs = {
    regions: z.record(z.string(), regionOutputs),
    /** Absent on a stack of own clusters (no AKS admin region). */
    admin: adminOutputs.optional(),
    rollout: z.object({ waves: z.array(z.array(z.string())), deployWaves: count, deployedRegions: z.array(z.string()) }),
    besu: besuOutputs,
    rpc: rpcOutputs,
    /** Kubeconfig YAML per cluster (validator regions and admin). A Pulumi secret: never print. */
    kubeconfigs: z.record(z.string(), z.string().min(1)),
};

/** Per chain, contract name → address. */
const contractOutputs = z.record(z.string().min(1), z.partialRecord(z.enum(CONTRACT_NAMES), address));

const withFleet = z.object({ ...fleetOutputs, contracts: contractOutputs.optional() });
// Strict: a fleet stack whose fleet outputs are broken must not pass as a contracts-only one.
const contractsOnly = z.strictObject({ contracts: contractOutputs });

export const stackOutputsSchema = z.union([withFleet, contractsOnly]);

/** The `contracts` output. */
export type ContractOutputs = z.infer<typeof contractOutputs>;
/** Everything a stack exports. */
export type StackOutputs = z.infer<typeof stackOutputsSchema>;
/** The outputs of a stack with a fleet. */
export type FleetStackOutputs = Extract<StackOutputs, { besu: unknown }>;

/** `T` with Pulumi inputs (outputs, promises) allowed at any depth, as stack exports resolve them. */
export type DeepInput<T> = pulumi.Input<T extends readonly (infer E)[] ? DeepInput<E>[] : T extends object ? { [K in keyof T]: DeepInput<T[K]> } : T>;

/** Each output of `T` as the program may export it: any Pulumi input, resolved deeply by the engine. */
export type ExportsOf<T> = { [K in keyof T]-?: DeepInput<Exclude<T[K], undefined>> };

/** Whether outputs come from a stack that runs a fleet. */
export function hasFleet(outputs: StackOutputs): outputs is FleetStackOutputs {
    return "besu" in outputs;
}

/**
 * Validates parsed outputs (the JSON of `pulumi stack output --json --show-secrets`). The error names `source` and
 * each offending key, never a value: kubeconfigs are secret.
 */
export function parseStackOutputs(raw: unknown, source: string): StackOutputs {
    const result = stackOutputsSchema.safeParse(raw);
    if (result.success) return result.data;
    // A union reports "no match"; name the issues of the branch the outputs were meant to be.
    const fleetMeant = typeof raw === "object" && raw !== null && Object.keys(fleetOutputs).some((key) => key in raw);
    const issues = ((fleetMeant ? withFleet : contractsOnly).safeParse(raw).error ?? result.error).issues.map(
        (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    );
    throw new Error(`${source}: not this program's stack outputs: ${issues.join("; ")}`);
}
