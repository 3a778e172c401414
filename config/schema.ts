import { z } from "zod";
import { ownClusterSchema } from "./own-clusters";

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

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");
/** Big integers (wei, CCIP selectors) as decimal strings: YAML numbers lose precision beyond 2^53. */
const bigDecimal = z
    .union([z.string().regex(/^\d+$/, "must be a decimal integer"), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
    .transform(String);

/** One chain the contract suite is deployed on. The RPC URL may carry an API key: it is never printed. */
export const chainSchema = z.strictObject({
    /**
     * JSON-RPC endpoint; always handled as a secret. Leave it out for the fleet's own chain (chainId = chain138:chainId
     * on a stack with regions): the program then uses the fleet's public RPC endpoint (components/chain-endpoints.ts).
     */
    rpcUrl: z
        .string()
        .regex(/^(https?|wss?):\/\/\S+$/, "must be an http(s) or ws(s) URL (value not shown)")
        .optional(),
    chainId: z.number().int().min(1),
    /** CCIP chain selector (decimal string; Ethereum mainnet's is 5009297550715157269). */
    chainSelector: bigDecimal,
    /** Blocks to wait for per transaction (1 on Chain 138's instant finality; more on mainnet). */
    confirmations: z.number().int().min(1).default(1),
    /** Deadline for one receipt, in seconds. */
    receiptTimeoutSeconds: z.number().int().min(1).default(600),
    /** An existing CCIP router to use instead of deploying ours (then its lanes are not ours to wire). */
    router: address.optional(),
    /** An existing Multicall3 (e.g. the canonical 0xcA11…CA11) instead of deploying one. */
    multicall3: address.optional(),
    /** WETH9 the wiring keeps in this chain's WETH9 bridge (wei; release-side liquidity). */
    bridgeLiquidityWei: bigDecimal.default("0"),
    /** Ether the wiring keeps in OracleWithCCIP for CCIP fees (wei). */
    oracleFundingWei: bigDecimal.default("0"),
    /**
     * The chain's node minimum gas price (wei): every sender's fees clear it however far the base fee decays
     * (contracts/fees.ts). Chain 138's nodes run min-gas-price=0 (charts/besu-node), so leave it unset there.
     */
    minGasPriceWei: bigDecimal.optional(),
});

/** CCIP settings applied to every lane between the configured chains. */
export const ccipSchema = z.strictObject({
    /** Addresses whose signatures the routers accept for inbound messages. */
    attesters: z.array(address).min(1),
    /** Signatures required per message (1..attesters). */
    threshold: z.number().int().min(1),
    /** Native fee schedule of our routers (wei): base + per byte of data + per unit of destination gas. */
    fee: z.strictObject({ baseFee: bigDecimal, feePerByte: bigDecimal, feePerGas: bigDecimal }),
    /** Salt label of the CREATE2 deployments; change it to deploy a fresh suite at new addresses. */
    salt: z.string().min(1).default("chain138/v1"),
});

const privateKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits (the value is not shown)");

/**
 * The CCIP relayer (relayer/) as a Deployment in the admin region. Its keys sit in this object, so set
 * them with `pulumi config set --secret --path 'chain138:relayer.relayerKey'` (the whole key is then secret).
 */
export const relayerSchema = z.strictObject({
    /** Container image built from relayer/Dockerfile, pinned by digest or tag. */
    image: z.string().regex(/^[a-z0-9][a-z0-9._/:@-]*$/, "must be an image reference, e.g. myacr.azurecr.io/chain138-relayer:1.0.0"),
    /** Pays for deliver() on every chain. */
    relayerKey: privateKey,
    /** Gone: the relayer holds no attester key; it asks the attester services of `chain138:attesters`. */
    attesterKeys: z
        .never({
            error: 'the relayer holds no attester key: run the attesters as services (chain138:attesters, README "Attesters in prod") and remove relayer.attesterKeys',
        })
        .optional(),
    pollIntervalMs: z.number().int().min(100).default(4000),
    /** Storage class of the state volume (the delivery cursor). */
    storageClass: z.string().min(1).default("managed-csi"),
});

const attesterToken = z.string().min(32, "must be at least 32 characters, e.g. `openssl rand -hex 32` (the value is not shown)");

/**
 * One attester service (attester/) the relayer collects signatures from. Either this stack runs it in a validator
 * region's cluster (`region`, with its key), or an operator runs it elsewhere (`url`, `address`). Holds keys and
 * tokens: set with `pulumi config set --secret --path 'chain138:attesters.<name>.key' 0x…` (the whole key is then secret).
 */
export const attesterServiceSchema = z.union([
    z.strictObject({
        /** Validator region whose cluster runs it (never the admin region, which runs the relayer). */
        region,
        /** Its one attester key; its address must be in ccip.attesters. */
        key: privateKey,
        /** Bearer token the relayer presents to it. */
        token: attesterToken,
        /** Container image built from attester/Dockerfile. */
        image: z.string().regex(/^[a-z0-9][a-z0-9._/:@-]*$/, "must be an image reference, e.g. myacr.azurecr.io/chain138-attester:1.0.0"),
        /** Its own RPC endpoint per chain name (default: the chain's rpcUrl; the fleet's chain: its region's private endpoint). */
        rpcUrls: z.record(z.string(), z.url({ protocol: /^https?$/ })).optional(),
        /** Storage class of its ledger volume (what it signed). */
        storageClass: z.string().min(1).default("managed-csi"),
    }),
    z.strictObject({
        /** An operator-run attester outside this stack, reachable from the admin region. */
        url: z.url({ protocol: /^https?$/ }),
        address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address"),
        token: attesterToken,
    }),
]);

/**
 * An operator's publicly trusted certificate for the public RPC endpoints (browser dApps cannot trust the stack's own
 * CA): one certificate (a wildcard, typically) covering every region's name. Holds a private key: set it with
 * `pulumi config set --secret --path 'chain138:rpcPublicTls.privateKey' …` (the whole key is then secret).
 */
export const rpcPublicTlsSchema = z.strictObject({
    /** Each region's host name, `{region}` replaced by the region, e.g. `{region}.rpc.example.org`. */
    hostname: z.string().regex(/^([a-z0-9-]+\.)*\{region\}(\.[a-z0-9-]+)+$/, "must be a DNS name containing {region}, e.g. {region}.rpc.example.org"),
    /** PEM certificate chain (leaf first). */
    certificate: z.string().regex(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/, "must be a PEM certificate chain"),
    /** PEM private key of the leaf. */
    privateKey: z
        .string()
        .regex(/^-----BEGIN ([A-Z]+ )?PRIVATE KEY-----[\s\S]+-----END ([A-Z]+ )?PRIVATE KEY-----\s*$/, "must be a PEM private key (the value is not shown)"),
});

/**
 * A block explorer that verifies contract sources for one chain (read by `npm run verify:contracts`,
 * not by the program; validated here so a typo fails `pulumi up` too, not just the later verification).
 */
export const explorerSchema = z.strictObject({
    apiUrl: z.url({ protocol: /^https?$/ }),
    /** Keep it a secret: `pulumi config set --secret --path 'chain138:explorers.<chain>.apiKey'`. */
    apiKey: z.string().min(1).optional(),
    chainId: z.number().int().positive(),
    rpcUrl: z.url({ protocol: /^https?$/ }).optional(),
    concurrency: z.number().int().min(1).max(16).optional(),
});

/**
 * One Alertmanager receiver (a subset of Alertmanager's receiver config: webhook, Slack, PagerDuty). Their URLs and
 * keys are credentials: the whole `monitoring` key is set with `--secret --path`.
 */
export const alertReceiverSchema = z
    .strictObject({
        name: z.string().regex(/^[a-z][a-z0-9-]*$/, "receiver names are lowercase words, e.g. oncall"),
        webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
        slack: z
            .strictObject({ apiUrl: z.url({ protocol: /^https$/ }), channel: z.string().regex(/^#[a-z0-9._-]+$/, "a channel like #chain138-alerts") })
            .optional(),
        /** PagerDuty Events API v2 integration (routing) key. */
        pagerDutyRoutingKey: z
            .string()
            .regex(/^[A-Za-z0-9]{32}$/, "must be a 32-character PagerDuty routing key (the value is not shown)")
            .optional(),
    })
    .refine((r) => r.webhookUrl !== undefined || r.slack !== undefined || r.pagerDutyRoutingKey !== undefined, {
        message: "a receiver needs webhookUrl, slack or pagerDutyRoutingKey",
    });

/**
 * Fleet observability (the regional agents, the admin receiver, Alertmanager). Holds the remote-write secret and the
 * receivers' credentials: set it with `pulumi config set --secret --path 'chain138:monitoring.…'`.
 */
export const monitoringSchema = z.strictObject({
    /** Every region's remote-write password derives from it (HMAC per region); at least 32 characters. */
    remoteWriteSecret: z.string().min(32, "must be at least 32 characters (the value is not shown)"),
    receivers: z.array(alertReceiverSchema).min(1),
    /** Receiver (by name) of each alert severity the rules use. */
    route: z.strictObject({ critical: z.string().min(1), warning: z.string().min(1) }),
    /** Image built from ops/signer-exporter/Dockerfile; each region then runs one (per-validator proposals). Default: none. */
    signerExporterImage: z
        .string()
        .regex(/^[a-z0-9][a-z0-9._/:@-]*$/, "must be an image reference, e.g. myacr.azurecr.io/chain138-signer-exporter:1.0.0")
        .optional(),
});

/** `{}`: how a Pulumi.yaml object default of "not set" arrives. */
export function isEmptyObject(value: unknown): boolean {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

/**
 * An optional object key whose Pulumi.yaml default is `{}`: the CLI demands a value for every declared key
 * without a default, so "not set" arrives as `{}` and is read as absent.
 */
function unsetWhenEmpty<T extends z.ZodType>(schema: T) {
    return z.preprocess((value) => (isEmptyObject(value) ? undefined : value), schema.optional());
}

/** Chain names: the keys of `chains` (also what `npm run targets -- --chain` accepts). */
export const CHAIN_NAME = /^[a-z][a-z0-9-]*$/;

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
    /**
     * Sources (IPv4 CIDRs) admitted to the public JSON-RPC endpoint of every region (TLS on 443); [] = no public endpoint.
     * Checked in config/rpc-access.ts: public, no wider than /8.
     */
    rpcAllowedCidrs: z.array(z.string()),
    /** Sources admitted by the node-key vaults' firewalls (the machines running `pulumi up`); [] = rpcAllowedCidrs. */
    keyVaultWriterCidrs: z.array(z.string()),
    /** Browser origins allowed by JSON-RPC's CORS check (Besu rpc-http-cors-origins); [] = none. Never "*". */
    rpcCorsOrigins: z.array(z.string()),
    /** Entra principals (users, groups, service principals) granted AKS RBAC Cluster Admin on every cluster. */
    clusterAdminObjectIds: z.array(z.uuid()),
    /** Storage class of Besu's data disks; "" = chosen per region (Premium_ZRS where the region has zones). */
    besuStorageClass: z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/, "must be a Kubernetes storage class name (or empty)"),
    /** Accept a Kubernetes minor past its AKS end of life (warn instead of refusing): for an existing fleet mid-upgrade. */
    acceptEndOfLifeKubernetes: z.boolean(),
    kubeloginMode: z.enum(["azurecli", "workloadidentity", "spn", "msi"]),
    chainId: z.number().int().min(1),
    /** Contract deployer private key; a Pulumi secret (never printed: the message names only the key). */
    deployerKey: z
        .string()
        .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits (the value is not shown)")
        .optional(),
    /** Chains that get the contract suite (name → chain); absent means this stack deploys no contracts. */
    chains: z.record(z.string().regex(CHAIN_NAME, "chain names are lowercase words, e.g. mainnet, chain138"), chainSchema).optional(),
    /** CCIP settings; required when two or more chains are configured. */
    ccip: unsetWhenEmpty(ccipSchema),
    relayer: unsetWhenEmpty(relayerSchema),
    /** Attester services by name (lowercase words): the relayer's signers. */
    attesters: unsetWhenEmpty(
        z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "attester names are short lowercase words, e.g. alpha"), attesterServiceSchema),
    ),
    rpcPublicTls: unsetWhenEmpty(rpcPublicTlsSchema),
    monitoring: unsetWhenEmpty(monitoringSchema),
    /**
     * Kubernetes clusters the operator already has, each a region of the chain instead of an AKS cluster (config/own-clusters.ts).
     * Holds kubeconfigs: set it with `pulumi config set --secret --path 'chain138:clusters.<name>.kubeconfig' …`.
     */
    clusters: unsetWhenEmpty(z.record(z.string(), ownClusterSchema)),
    /** Block explorers per chain name, for source verification after a deployment. */
    explorers: z.record(z.string().min(1), explorerSchema).optional(),
});

/** Raw, schema-checked config before cross-field validation. */
export type RawFleetConfig = z.infer<typeof fleetConfigSchema>;

/** Keys whose values are plain strings; every other key holds JSON (numbers, lists, objects). */
export const STRING_KEYS: ReadonlySet<string> = new Set(["adminRegion", "kubernetesVersion", "kubeloginMode", "deployerKey", "besuStorageClass"]);
