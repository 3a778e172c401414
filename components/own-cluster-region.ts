// OwnClusterRegion: a region of Chain 138 on a Kubernetes cluster the operator already has (`chain138:clusters`).
//
// It gets what an AKS region's cluster gets from RegionDeployment, minus everything Azure: the `besu` namespace held to
// Pod Security "restricted", the node-key Secret and the besu-node chart with the fleet's genesis and peer lists. The
// P2P Services are published as the operator said (NodePort or LoadBalancer: config/own-clusters.ts).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { installBesu, type BesuRelease } from "./besu/release";
import type { RegionBesuInputs } from "./besu/types";
import { BESU_NAMESPACE } from "../stack/names";

/** Arguments of {@link OwnClusterRegion}. */
export interface OwnClusterRegionArgs {
    /** Region name (`chain138:clusters` key). Required. */
    region: string;
    /** Kubeconfig YAML of the cluster; a secret. Required. */
    kubeconfig: pulumi.Input<string>;
    /** The region's Besu inputs from `BesuNetwork.regionInputs(region)`. Required. */
    besu: RegionBesuInputs;
    /** Storage class of Besu's data volumes. Default: the cluster's default class. */
    storageClass?: string;
    /** Chart value overrides (as RegionDeployment's `besuChartValues`). Default none. */
    besuChartValues?: Record<string, unknown>;
}

/** One own cluster running its region's Besu nodes. */
export class OwnClusterRegion extends pulumi.ComponentResource {
    public readonly region: string;
    /** The cluster's Kubernetes provider (server-side apply, as for AKS clusters). */
    public readonly provider: k8s.Provider;
    public readonly besuNamespace: k8s.core.v1.Namespace;
    public readonly besu: BesuRelease;
    /** The kubeconfig the stack was given (secret), re-exported for the ops tools. */
    public readonly kubeconfig: pulumi.Output<string>;

    constructor(name: string, args: OwnClusterRegionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chain138:index:OwnClusterRegion", name, {}, opts);
        if (args.besu.region !== args.region) {
            throw new pulumi.ResourceError(`own cluster ${args.region} was given Besu inputs of ${args.besu.region}`, this);
        }
        if (args.besu.p2pPublishing === "AzureLoadBalancer") {
            throw new pulumi.ResourceError(`own cluster ${args.region}: its Besu inputs are an AKS region's (Azure static IPs)`, this);
        }
        this.region = args.region;
        this.kubeconfig = pulumi.secret(args.kubeconfig);
        // deleteUnreachable: a cluster that is gone for good (deleted by its operator) can be dropped from the stack
        // with `pulumi refresh` instead of failing every update (pulumi-kubernetes provider config).
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true, deleteUnreachable: true },
            { parent: this },
        );
        const k8sOpts = { parent: this, provider: this.provider };
        this.besuNamespace = new k8s.core.v1.Namespace(
            `${name}-besu-ns`,
            {
                metadata: {
                    name: BESU_NAMESPACE,
                    labels: {
                        // Besu runs non-root with no extra capabilities: hold it to "restricted" (Pod Security Admission,
                        // kubernetes.io/docs/concepts/security/pod-security-admission/).
                        "pod-security.kubernetes.io/enforce": "restricted",
                        "pod-security.kubernetes.io/warn": "restricted",
                        "chain138.io/region": args.region,
                    },
                },
            },
            k8sOpts,
        );
        const overrides = args.besuChartValues ?? {};
        const chartValues = {
            ...overrides,
            // No class given: the cluster's default (the chart omits an empty storageClassName).
            storage: { ...(overrides["storage"] as object | undefined), storageClassName: args.storageClass ?? "" },
        };
        this.besu = installBesu(`${name}-besu`, { namespace: this.besuNamespace.metadata.name, besu: args.besu, chartValues }, k8sOpts);
        this.registerOutputs({ region: this.region });
    }
}
