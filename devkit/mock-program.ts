/**
 * Runs the real program (index.ts) offline under Pulumi's mock runtime with a real stack file, the way
 * the CLI would hand it config: project defaults from Pulumi.yaml, then Pulumi.<stack>.yaml,
 * then the test's overrides, all as strings. It records every registration with what the mock
 * API hides (parent, dependencies, custom timeouts, secret outputs) by wrapping the mock monitor.
 */
import { genesisLockProvider, type GenesisLockInputs } from "../components/besu/genesis-lock";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { vaultNodeKeyProvider, type VaultNodeKeyInputs } from "../components/besu/vault-node-key";
import { memorySecretStore } from "./memory-key-vault";
import { nodeKeyProvider, type NodeKeyProviderInputs } from "../components/besu/node-key";

/** The node-key provider's real code over in-memory vaults (devkit/memory-key-vault.ts): mocks have no Azure. */
const mockNodeKeyProvider = vaultNodeKeyProvider(memorySecretStore);

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PROJECT = "chain138";

/** A well-known anvil dev key: only ever used on test chains. */
export const TEST_DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    state: Record<string, unknown>;
    /** URN of the parent ("" for the stack's root). */
    parent: string;
    /** URNs this resource depends on (explicit dependsOn plus every input's source). */
    dependencies: string[];
    /** Provider reference (`<urn>::<id>`), empty for the default provider. */
    provider: string;
    customTimeouts: { create: string; update: string; delete: string } | undefined;
    additionalSecretOutputs: string[];
    protect: boolean;
    /** Top-level inputs the program registered as secrets (the engine would encrypt them in state). */
    secretInputs: string[];
}

export interface RecordedInvoke {
    token: string;
    inputs: Record<string, unknown>;
}

export interface ProgramRun {
    resources: RecordedResource[];
    invokes: RecordedInvoke[];
    /** Stack outputs as the program returned them (still Outputs). */
    outputs: Record<string, unknown>;
    /** Resolved stack outputs, and which top-level keys were secret. */
    resolved: Record<string, unknown>;
    secretOutputs: string[];
}

export interface RunOptions {
    stack: string;
    /** Config values to set or replace (`key` in the project namespace, or a full `ns:key`). */
    overrides?: Record<string, unknown>;
    /** Keys to remove from the stack file's config. */
    remove?: string[];
    /** Secret config (set as `pulumi config set --secret` would). */
    secrets?: Record<string, string>;
}

/** The config map the CLI would give the program for `stack`, as strings. */
export function stackConfig(options: RunOptions): { config: Record<string, string>; secretKeys: string[] } {
    const project = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
        config?: Record<string, { default?: unknown }>;
    };
    const stackFile = parse(readFileSync(path.join(REPO_ROOT, `Pulumi.${options.stack}.yaml`), "utf8")) as {
        config?: Record<string, unknown>;
    };
    const values = new Map<string, unknown>();
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        if (declaration.default !== undefined) values.set(`${PROJECT}:${key}`, declaration.default);
    }
    for (const [key, value] of Object.entries(stackFile.config ?? {})) values.set(key, value);
    const fullKey = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);
    for (const key of options.remove ?? []) values.delete(fullKey(key));
    for (const [key, value] of Object.entries(options.overrides ?? {})) values.set(fullKey(key), value);
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(options.secrets ?? {})) {
        values.set(fullKey(key), value);
        secretKeys.push(fullKey(key));
    }
    const config: Record<string, string> = {};
    for (const [key, value] of values) config[key] = typeof value === "string" ? value : JSON.stringify(value);
    return { config, secretKeys };
}

/** Top-level keys of serialised inputs that carry the SDK's secret marker (`{ [specialSigKey]: specialSecretSig, value }`). */
function secretKeysOf(inputs: Record<string, unknown>): string[] {
    return Object.entries(inputs)
        .filter(
            ([, value]) =>
                typeof value === "object" &&
                value !== null &&
                (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig,
        )
        .map(([key]) => key);
}

/**
 * The engine's job for the Besu network's dynamic resources on a first run: the real provider's check and create
 * (VaultNodeKey generates a key into its region's vault, here an in-memory one; GenesisLock locks the computed
 * genesis). Undefined for any other dynamic resource.
 */
export async function createBesuDynamic(inputs: Record<string, unknown>): Promise<{ id: string; state: Record<string, unknown> } | undefined> {
    if ("rotation" in inputs && "label" in inputs && "vaultUrl" in inputs) {
        const checked = await mockNodeKeyProvider.check!({} as VaultNodeKeyInputs, inputs as unknown as VaultNodeKeyInputs);
        if (checked.failures && checked.failures.length > 0) throw new Error(checked.failures.map((f) => f.reason).join("; "));
        const created = await mockNodeKeyProvider.create(checked.inputs as VaultNodeKeyInputs);
        return { id: created.id, state: { ...created.outs } };
    }
    if ("rotation" in inputs && "label" in inputs) {
        // An own cluster's NodeKey (components/besu/node-key.ts): the key in the stack's state.
        const created = await nodeKeyProvider.create(inputs as unknown as NodeKeyProviderInputs);
        return { id: created.id, state: { ...created.outs } };
    }
    if ("computedGenesisJson" in inputs) {
        const checked = await genesisLockProvider.check!({} as GenesisLockInputs, inputs as unknown as GenesisLockInputs);
        if (checked.failures && checked.failures.length > 0) throw new Error(checked.failures.map((f) => f.reason).join("; "));
        const created = await genesisLockProvider.create(checked.inputs as GenesisLockInputs);
        return { id: created.id, state: { ...created.outs } };
    }
    return undefined;
}

/** Resource state the mocks return: inputs plus the outputs Azure would compute that the program reads. */
async function mockState(args: pulumi.runtime.MockResourceArgs, counters: { ip: number; block: number }): Promise<pulumi.runtime.MockResourceResult> {
    const inputs = args.inputs as Record<string, unknown>;
    const azureName = (field: string) => (typeof inputs[field] === "string" ? (inputs[field] as string) : args.name);
    const armId = (kind: string, field: string) =>
        `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${String(inputs["resourceGroupName"] ?? "rg")}/providers/${kind}/${azureName(field)}`;
    switch (args.type) {
        case "pulumi-nodejs:dynamic:Resource":
            {
                const besu = await createBesuDynamic(inputs);
                if (besu !== undefined) return besu;
            }
            if ("salt" in inputs && "bytecode" in inputs) {
                // A ContractDeployment as create reports it: the predicted address, in some block.
                return {
                    id: `${String(inputs["chainId"])}:${String(inputs["address"])}`,
                    state: { ...inputs, txHash: `0x${"ab".repeat(32)}`, blockNumber: counters.block++ },
                };
            }
            return { id: `${args.name}-id`, state: inputs };
        case "azure-native:resources:ResourceGroup":
            return {
                id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${azureName("resourceGroupName")}`,
                state: { ...inputs, name: azureName("resourceGroupName") },
            };
        case "azure-native:network:PublicIPAddress": {
            counters.ip += 1;
            const ip = `20.${Math.floor(counters.ip / 65536) % 256}.${Math.floor(counters.ip / 256) % 256}.${counters.ip % 256}`;
            return {
                id: armId("Microsoft.Network/publicIPAddresses", "publicIpAddressName"),
                state: { ...inputs, name: azureName("publicIpAddressName"), ipAddress: ip },
            };
        }
        case "azure-native:containerservice:ManagedCluster":
            return {
                id: armId("Microsoft.ContainerService/managedClusters", "resourceName"),
                state: {
                    ...inputs,
                    name: azureName("resourceName"),
                    identity: { type: "SystemAssigned", principalId: `${args.name}-principal` },
                    oidcIssuerProfile: { enabled: true, issuerURL: `https://oidc.example/${azureName("resourceName")}/` },
                },
            };
        case "azure-native:managedidentity:UserAssignedIdentity":
            return {
                id: armId("Microsoft.ManagedIdentity/userAssignedIdentities", "resourceName"),
                state: { ...inputs, name: azureName("resourceName"), principalId: `${args.name}-principal`, clientId: `${args.name}-client` },
            };
        case "azure-native:keyvault:Vault": {
            // What ARM returns: the vault's data-plane URL among its properties.
            const name = azureName("vaultName");
            const properties = { ...(inputs["properties"] as Record<string, unknown>), vaultUri: `https://${name}.vault.azure.net/` };
            return { id: armId("Microsoft.KeyVault/vaults", "vaultName"), state: { ...inputs, name, properties } };
        }
        case "azure-native:operationalinsights:Workspace":
            return { id: armId("Microsoft.OperationalInsights/workspaces", "workspaceName"), state: { ...inputs, name: azureName("workspaceName") } };
        case "azure-native:storage:StorageAccount":
            return { id: armId("Microsoft.Storage/storageAccounts", "accountName"), state: { ...inputs, name: azureName("accountName") } };
        case "azure-native:storage:BlobContainer":
            return { id: `${args.name}-id`, state: { ...inputs, name: azureName("containerName") } };
        case "azure-native:network:VirtualNetwork":
            return { id: armId("Microsoft.Network/virtualNetworks", "virtualNetworkName"), state: { ...inputs, name: azureName("virtualNetworkName") } };
        case "azure-native:network:Subnet":
            return { id: `${String(inputs["virtualNetworkName"])}/subnets/${azureName("subnetName")}`, state: { ...inputs, name: azureName("subnetName") } };
        case "azure-native:network:NetworkSecurityGroup":
            return {
                id: armId("Microsoft.Network/networkSecurityGroups", "networkSecurityGroupName"),
                state: { ...inputs, name: azureName("networkSecurityGroupName") },
            };
        // The tls provider's PEM outputs (components/rpc-tls.ts): placeholders in PEM framing, never real key material.
        case "tls:index/privateKey:PrivateKey":
            return {
                id: `${args.name}-id`,
                state: { ...inputs, privateKeyPem: `-----BEGIN PRIVATE KEY-----\nmock ${args.name}\n-----END PRIVATE KEY-----\n` },
            };
        case "tls:index/certRequest:CertRequest":
            return {
                id: `${args.name}-id`,
                state: { ...inputs, certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\nmock ${args.name}\n-----END CERTIFICATE REQUEST-----\n` },
            };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { id: `${args.name}-id`, state: { ...inputs, certPem: `-----BEGIN CERTIFICATE-----\nmock ${args.name}\n-----END CERTIFICATE-----\n` } };
        default:
            return { id: `${args.name}-id`, state: inputs };
    }
}

/** A kubeconfig shaped like the one AKS returns for Entra ID clusters with `format=exec`. */
export function aksExecKubeconfig(cluster: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: ${cluster}`,
        "  cluster:",
        `    server: https://${cluster}.hcp.example.azmk8s.io:443`,
        "    certificate-authority-data: Y2E=",
        "contexts:",
        `- name: ${cluster}`,
        "  context:",
        `    cluster: ${cluster}`,
        `    user: clusterUser_${cluster}`,
        `current-context: ${cluster}`,
        "users:",
        `- name: clusterUser_${cluster}`,
        "  user:",
        "    exec:",
        "      apiVersion: client.authentication.k8s.io/v1beta1",
        "      command: kubelogin",
        "      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630,",
        "             --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, 11111111-2222-3333-4444-555555555555, --login, devicecode]",
        "",
    ].join("\n");
}

/** Resolves an Output (all values are known under mocks). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise<T>((resolve) => output.apply((value) => resolve(value)));
}

interface MonitorRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getProvider(): string;
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getAdditionalsecretoutputsList(): string[];
    getProtect(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface MonitorResponse {
    getUrn(): string;
    getObject(): { toJavaScript(): Record<string, unknown> };
}
type Callback = (err: unknown, response: MonitorResponse | undefined) => void;
interface WrappableMonitor {
    registerResource(req: MonitorRequest, callback: Callback): Promise<void>;
}

/**
 * Runs index.ts for `options.stack` under mocks. One call per test process: the Pulumi runtime
 * is global state, which is why node's test runner gives each test file its own process.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
    const attempt = await executeProgram(options);
    if ("error" in attempt) throw attempt.error;
    return attempt;
}

/** Runs the program expecting it to fail; returns the error and whatever it registered before failing. */
export async function runFailingProgram(options: RunOptions): Promise<{ error: Error; resources: RecordedResource[] }> {
    const attempt = await executeProgram(options);
    if (!("error" in attempt)) throw new Error(`stack ${options.stack} deployed ${attempt.resources.length} resources; expected a failure`);
    return attempt;
}

/** What the mocked invokes answer: a fixed client config, an exec-plugin kubeconfig per cluster, else the inputs. */
function mockInvoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    if (token === "azure-native:authorization:getClientConfig") {
        return {
            subscriptionId: "00000000-0000-0000-0000-000000000000",
            tenantId: "11111111-2222-3333-4444-555555555555",
            objectId: "99999999-8888-7777-6666-555555555555",
            clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        };
    }
    if (token === "azure-native:containerservice:listManagedClusterUserCredentials") {
        const cluster = String(inputs["resourceName"]);
        return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(aksExecKubeconfig(cluster)).toString("base64") }] };
    }
    return inputs;
}

/**
 * Completes each mocked registration in `pending` into `resources` from the monitor request: the mock API hides
 * parents, dependencies, providers and resource options, the request carries them.
 */
function recordRegistrations(pending: Map<string, Omit<RecordedResource, "urn" | "state">>, resources: RecordedResource[]): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as WrappableMonitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) =>
        register(req, (err, response) => {
            if (!err && response) {
                const key = `${req.getType()}::${req.getName()}`;
                const base = pending.get(key);
                const timeouts = req.getCustomtimeouts();
                if (base) {
                    resources.push({
                        ...base,
                        urn: response.getUrn(),
                        state: response.getObject().toJavaScript(),
                        parent: req.getParent(),
                        dependencies: req.getDependenciesList(),
                        provider: req.getProvider(),
                        customTimeouts: timeouts ? { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() } : undefined,
                        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                        protect: req.getProtect(),
                        secretInputs: secretKeysOf(req.getObject()?.toJavaScript() ?? {}),
                    });
                }
            }
            callback(err, response);
        });
}

async function executeProgram(options: RunOptions): Promise<ProgramRun | { error: Error; resources: RecordedResource[] }> {
    const resources: RecordedResource[] = [];
    const invokes: RecordedInvoke[] = [];
    const counters = { ip: 0, block: 1000 };
    const pending = new Map<string, Omit<RecordedResource, "urn" | "state">>();

    const { config, secretKeys } = stackConfig(options);
    pulumi.runtime.setAllConfig(config, secretKeys);
    await pulumi.runtime.setMocks(
        {
            newResource: async (args) => {
                const result = await mockState(args, counters);
                pending.set(`${args.type}::${args.name}`, {
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs as Record<string, unknown>,
                    parent: "",
                    dependencies: [],
                    provider: args.provider ?? "",
                    customTimeouts: undefined,
                    additionalSecretOutputs: [],
                    protect: false,
                    secretInputs: [],
                });
                return result;
            },
            call: (args) => {
                invokes.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
                return mockInvoke(args.token, args.inputs as Record<string, unknown>);
            },
        },
        PROJECT,
        options.stack,
        false,
    );

    recordRegistrations(pending, resources);

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require(path.join(REPO_ROOT, "index.ts")) as () => Promise<Record<string, unknown>>;
    let outputs: Record<string, unknown>;
    try {
        outputs = await program();
    } catch (error) {
        return { error: error as Error, resources };
    }
    const resolved: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [key, value] of Object.entries(outputs)) {
        const output = pulumi.output(value);
        if (await pulumi.isSecret(output)) secretOutputs.push(key);
        resolved[key] = await valueOf(pulumi.unsecret(output));
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
    return { resources, invokes, outputs, resolved, secretOutputs };
}
