// installBesu: the besu-node chart for one region, for RegionDeployment and OwnClusterRegion to call. On AKS the pods read
// their keys from the region's Key Vault through the Secrets Store CSI driver (no Kubernetes Secret holds a node key);
// on an own cluster (no vault) from a node-key Secret made here from the keys the stack's state holds.
//
// Why `k8s.helm.v4.Chart` and not `k8s.helm.v3.Release`: v4 renders the chart in the Pulumi program
// (helm template semantics, no cluster needed at preview) and registers every object — each StatefulSet,
// Service, ConfigMap — as its own Pulumi resource. The engine then diffs, previews and policy-checks
// (CrossGuard) each object, waits for each to become ready, and our tests can render the same chart. A v3
// `Release` hands the chart to Helm's release machinery inside the provider: Pulumi sees one opaque
// resource, previews cannot show object-level changes, policies cannot inspect the Services, and the
// release state lives in a cluster Secret outside Pulumi's state.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { besuChartValues, type ChartNode, type ChartNodeKeys } from "./chart-values";
import { DEFAULT_IN_CLUSTER } from "./peers";
import type { BesuNodeInputs, RegionBesuInputs } from "./types";
import { BESU_LABELS } from "../../stack/names";

/** The chart shipped in this repository. */
export const BESU_CHART_PATH = path.join(__dirname, "..", "..", "charts", "besu-node");

/** Arguments of {@link installBesu}. */
export interface InstallBesuArgs {
    /** Namespace to install into (must exist). Required. */
    namespace: pulumi.Input<string>;
    /** The region's Besu inputs from `BesuNetwork.regionInputs(region)`. Required. */
    besu: RegionBesuInputs;
    /**
     * Chart value overrides, deep-merged over the values built from `besu` (e.g. `{ image: { tag } }`,
     * `{ metrics: { serviceMonitor: { enabled: true } } }`). Fleet-owned values (genesis, keys, nodes,
     * allowlist, P2P source ranges) cannot be overridden. Default none.
     */
    chartValues?: pulumi.Input<Record<string, unknown>>;
    /**
     * The region's workload identity for its keys: the client id of the user-assigned identity federated with
     * `serviceAccountName` in this namespace and granted Key Vault Secrets User on the region's vault (node-key-access.ts).
     */
    keyAccess?: { clientId: pulumi.Input<string>; serviceAccountName: string };
    /** Helm release name (prefix of every object). Default `besu`. */
    releaseName?: string;
    /** Chart directory. Default {@link BESU_CHART_PATH}. */
    chartPath?: string;
}

/** What {@link installBesu} created. */
export interface BesuRelease {
    /** The rendered chart (with its service account and one SecretProviderClass per node when keys are in a vault). */
    chart: k8s.helm.v4.Chart;
    /** The Secret holding the region's node keys (`<node name>.key`), own clusters only. */
    nodeKeySecret?: k8s.core.v1.Secret;
}

/** Resource options of {@link installBesu}: the parent component and the region's Kubernetes provider. */
export interface InstallBesuOptions {
    /** Parent of the created resources (the RegionDeployment). */
    parent: pulumi.Resource;
    /** The region cluster's Kubernetes provider. */
    provider: k8s.Provider;
    /** Extra dependencies (e.g. the node pools). Default none. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

function resolveNode(n: BesuNodeInputs): pulumi.Output<ChartNode> {
    return pulumi.all([n.publicIp, n.publicIpName, n.staticNodes, n.keySecretName]).apply(([publicIp, publicIpName, staticNodes, keySecretName]) => ({
        name: n.name,
        keySecretName,
        publicIp,
        publicIpName,
        p2pPort: n.p2pPort,
        host: n.host,
        staticNodes,
    }));
}

/** Creates `${name}-chart` (the besu-node chart with values from `args.besu`) with the given parent and provider. */
export function installBesu(name: string, args: InstallBesuArgs, opts: InstallBesuOptions): BesuRelease {
    // The peers' in-cluster DNS names (BesuNetwork) assume these names; another release must say so there too.
    const releaseName = args.releaseName ?? DEFAULT_IN_CLUSTER.release;
    if (!/^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$/.test(releaseName)) {
        throw new pulumi.ResourceError(`installBesu ${name}: releaseName must be a DNS label of at most 30 chars; got "${releaseName}"`, opts.parent);
    }
    const nodes = [...args.besu.validators, ...args.besu.sentries];
    if (nodes.length === 0) {
        throw new pulumi.ResourceError(`installBesu ${name}: region ${args.besu.region} has no validators and no sentries`, opts.parent);
    }
    let nodeKeys: pulumi.Output<ChartNodeKeys>;
    let nodeKeySecret: k8s.core.v1.Secret | undefined;
    const vault = args.besu.keyVault;
    const access = args.keyAccess;
    if (vault !== undefined && access !== undefined) {
        nodeKeys = pulumi.all([vault.name, access.clientId]).apply(([vaultName, clientId]) => ({
            keyVault: { name: vaultName, tenantId: vault.tenantId, clientId, serviceAccountName: access.serviceAccountName },
        }));
    } else {
        // Own clusters: a Secret with the region's keys only, built from secret Outputs (so the input stays secret in state).
        const missing = nodes.filter((n) => n.privateKey === undefined).map((n) => n.name);
        if (missing.length > 0) {
            throw new pulumi.ResourceError(`installBesu ${name}: no key vault access given and no key for ${missing.join(", ")}`, opts.parent);
        }
        const secretName = `${releaseName}-node-keys`;
        const stringData = pulumi.secret(
            pulumi.all(nodes.map((n) => n.privateKey!)).apply((keys) => Object.fromEntries(nodes.map((n, i) => [`${n.name}.key`, keys[i]]))),
        );
        nodeKeySecret = new k8s.core.v1.Secret(
            `${name}-node-keys`,
            {
                metadata: { name: secretName, namespace: args.namespace, labels: { ...BESU_LABELS, "app.kubernetes.io/instance": releaseName } },
                type: "Opaque",
                stringData,
            },
            { parent: opts.parent, provider: opts.provider, dependsOn: opts.dependsOn, additionalSecretOutputs: ["data", "stringData"] },
        );
        nodeKeys = pulumi.output({ secretName });
    }

    const values = pulumi
        .all([
            args.besu.genesisJson,
            pulumi.all(args.besu.validators.map(resolveNode)),
            pulumi.all(args.besu.sentries.map(resolveNode)),
            args.besu.nodesAllowlist,
            args.besu.fleetCidrs,
            args.besu.p2pResourceGroupName,
            nodeKeys,
            pulumi.output(args.chartValues ?? {}) as unknown as pulumi.Output<Record<string, unknown>>,
        ])
        .apply(([genesisJson, validators, sentries, nodesAllowlist, fleetCidrs, p2pResourceGroupName, keys, overrides]) =>
            besuChartValues(
                {
                    genesisJson,
                    validators,
                    sentries,
                    nodesAllowlist,
                    inClusterHosts: args.besu.inClusterHosts,
                    fleetCidrs,
                    p2pResourceGroupName,
                    p2pPort: args.besu.p2pPort,
                    p2pPublishing: args.besu.p2pPublishing,
                },
                keys,
                overrides,
            ),
        );

    const chart = new k8s.helm.v4.Chart(
        `${name}-chart`,
        {
            chart: args.chartPath ?? BESU_CHART_PATH,
            name: releaseName,
            namespace: args.namespace,
            values,
            skipCrds: true,
        },
        { parent: opts.parent, provider: opts.provider, dependsOn: [...(nodeKeySecret ? [nodeKeySecret] : []), ...(opts.dependsOn ?? [])] },
    );

    return { chart, nodeKeySecret };
}
