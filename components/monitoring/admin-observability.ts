// The admin region's side of fleet observability: the alert and recording rules (rule files + the generated fleet
// expectations) as one PrometheusRule, the dashboards as ConfigMaps for Grafana's sidecar, and optionally the
// remote-write receiver the regional agents write to.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DASHBOARD_LABEL, loadDashboards } from "./dashboards";
import { fleetExpectationRules, type FleetExpectationsArgs } from "./expectations";
import type { RpcServerCertificate } from "../rpc-tls";
import { deployRemoteWriteReceiver, type RemoteWriteReceiver } from "./remote-write-receiver";
import { loadRuleFiles } from "./rule-files";

/** The receiver's placement and credentials (the lead's hub networking gives the IP and subnet). */
export interface ReceiverPlacement {
    staticIp: pulumi.Input<string>;
    subnetName: pulumi.Input<string>;
    /** Regions whose agents may write. */
    regions: readonly string[];
    remoteWriteSecret: pulumi.Input<string>;
    /** Sources the load balancer admits (loadBalancerSourceRanges): the spokes' node subnets. Default: no restriction. */
    sourceRanges?: string[];
    /** The receiver's server certificate for `staticIp`, from the stack CA (components/rpc-tls.ts). */
    tls: RpcServerCertificate;
}

/** Arguments of {@link deployAdminObservability}. */
export interface AdminObservabilityArgs {
    /** Namespace of kube-prometheus-stack (must exist). */
    namespace: pulumi.Input<string>;
    /** The fleet's expected shape (rules compare the agents' series with it). */
    expectations: FleetExpectationsArgs;
    /** In-cluster URL of the admin Prometheus. */
    prometheusUrl: string;
    /** Deploy the remote-write receiver here. Default: none (no agents configured). */
    receiver?: ReceiverPlacement;
}

/** What {@link deployAdminObservability} created. */
export interface AdminObservability {
    rules: k8s.apiextensions.CustomResource;
    dashboards: k8s.core.v1.ConfigMap[];
    receiver?: RemoteWriteReceiver;
}

export function deployAdminObservability(
    name: string,
    args: AdminObservabilityArgs,
    /** dependsOn: the kube-prometheus-stack chart (the PrometheusRule CRD). */
    opts: { parent: pulumi.Resource; provider: k8s.Provider; dependsOn: pulumi.Input<pulumi.Resource>[] },
): AdminObservability {
    const child = { parent: opts.parent, provider: opts.provider };
    // The PrometheusRule CRD comes with the chart, hence dependsOn (only here: ConfigMaps and the receiver need
    // just the namespace, and the sidecar picks dashboards up whenever Grafana starts).
    const rules = new k8s.apiextensions.CustomResource(
        `${name}-rules`,
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: { name: "chain138-fleet", namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "chain138" } },
            spec: { groups: [...loadRuleFiles(), fleetExpectationRules(args.expectations)] },
        },
        { ...child, dependsOn: opts.dependsOn },
    );
    const dashboards = loadDashboards().map(
        (d) =>
            new k8s.core.v1.ConfigMap(
                `${name}-dashboard-${d.uid}`,
                {
                    metadata: { name: `dashboard-${d.uid}`, namespace: args.namespace, labels: { [DASHBOARD_LABEL.key]: DASHBOARD_LABEL.value } },
                    data: { [d.file]: d.text },
                },
                child,
            ),
    );
    const receiver =
        args.receiver === undefined
            ? undefined
            : deployRemoteWriteReceiver(
                  `${name}-receiver`,
                  {
                      namespace: args.namespace,
                      staticIp: args.receiver.staticIp,
                      subnetName: args.receiver.subnetName,
                      sourceRanges: args.receiver.sourceRanges,
                      regions: args.receiver.regions,
                      remoteWriteSecret: args.receiver.remoteWriteSecret,
                      prometheusUrl: args.prometheusUrl,
                      tls: args.receiver.tls,
                  },
                  child,
              );
    return { rules, dashboards, receiver };
}
