import { createHash } from "node:crypto";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AdminPlan, AlertReceiverPlan } from "../config/fleet-config";
import { clusterSettings, ClusterSettings, createRegionalCluster, sendDiagnostics } from "./cluster";
import type { HubNetwork } from "./region-deployment";
import { LB_SUBNET } from "../stack/names";
import { deployAdminObservability, type AdminObservability, type ReceiverPlacement } from "./monitoring/admin-observability";
import { alertmanagerConfig } from "./monitoring/alertmanager";
import { DASHBOARD_LABEL } from "./monitoring/dashboards";
import type { FleetExpectationsArgs } from "./monitoring/expectations";

export const MONITORING_NAMESPACE = "monitoring";
export const BACKUP_CONTAINER = "besu-backups";
/** kube-prometheus-stack's release name; its Prometheus Service is `<release>-prometheus` on port 9090. */
export const MONITORING_RELEASE = "kube-prometheus-stack";
export const ADMIN_PROMETHEUS_URL = `http://${MONITORING_RELEASE}-prometheus.${MONITORING_NAMESPACE}:9090`;

/** Fleet observability in the admin region (optional: without it the stack has only the chart's defaults). */
export interface AdminObservabilityOptions {
    /** The fleet's expected shape, for the alert rules. */
    expectations: FleetExpectationsArgs;
    /** Alertmanager's receivers and routes by severity. Default: the chart's default (no receivers). */
    alerting?: { receivers: pulumi.Input<AlertReceiverPlan[]>; route: { critical: string; warning: string } };
    /** The remote-write receiver for the regional agents. Default: none. */
    receiver?: ReceiverPlacement;
}

/**
 * Arguments of the admin region. Deliberately nothing about validators or sentries: the admin
 * region cannot be asked to run them.
 */
export interface AdminRegionArgs extends ClusterSettings {
    /** The admin region's plan: one system pool, no Besu pools. */
    plan: AdminPlan;
    /**
     * The validator regions' VNet ranges (the spokes peered with this hub). Azure's default AllowVnetInBound admits
     * every peered address on every port, so the hub denies them explicitly: nothing a region runs may open a
     * connection into the admin cluster unless a rule above (`spokeAllowRules`) admits it. Default none.
     */
    spokeCidrs?: string[];
    /** Inbound rules admitting spokes to what must cross (e.g. the metrics receiver), below priority 3900. Default none. */
    spokeAllowRules?: azureInputs.network.SecurityRuleArgs[];
    /** Alert rules, dashboards, Alertmanager receivers and the remote-write receiver. Default: none. */
    observability?: AdminObservabilityOptions;
}

/**
 * West Europe admin region: AKS with a system pool only, Prometheus + Grafana
 * (kube-prometheus-stack), the Log Analytics workspace every cluster sends diagnostics to,
 * and a storage account for chain backups.
 */
export class AdminRegion extends pulumi.ComponentResource {
    public readonly region: string;
    public readonly clusterName: pulumi.Output<string>;
    public readonly resourceGroupName: pulumi.Output<string>;
    public readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
    public readonly backupStorageAccountName: pulumi.Output<string>;
    public readonly backupContainerName: pulumi.Output<string>;
    /** Entra ID kubeconfig (kubelogin); a secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    public readonly monitoring: k8s.helm.v4.Chart;
    /** The admin VNet as the hub every validator region peers with (hub and spoke). */
    public readonly hub: HubNetwork;
    /** Rules, dashboards and receiver, when `observability` was given. */
    public readonly observability?: AdminObservability;

    constructor(name: string, args: AdminRegionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("chain138:index:AdminRegion", name, {}, opts);
        if (args.plan.pools.some((pool) => pool.role !== "admin")) {
            throw new pulumi.ResourceError(`admin region ${args.plan.name} takes only its admin pool`, this);
        }
        const spokes = args.spokeCidrs ?? [];
        const built = createRegionalCluster(
            name,
            {
                ...clusterSettings(args),
                plan: args.plan,
                // The hub's internal load balancers (the metrics receiver) get a subnet of their own, as in the regions.
                loadBalancerSubnet: { name: LB_SUBNET, cidr: args.plan.rpcSubnetCidr },
                securityRules: [
                    ...(args.spokeAllowRules ?? []),
                    ...(spokes.length === 0
                        ? []
                        : [
                              {
                                  name: "deny-from-spokes",
                                  priority: 3900,
                                  direction: "Inbound",
                                  access: "Deny",
                                  protocol: "*",
                                  sourceAddressPrefixes: spokes,
                                  sourcePortRange: "*",
                                  destinationAddressPrefix: "*",
                                  destinationPortRange: "*",
                              },
                          ]),
                ],
            },
            this,
        );
        const resourceGroupName = built.resourceGroup.name;

        const workspace = new operationalinsights.Workspace(
            `${name}-logs`,
            {
                resourceGroupName,
                workspaceName: `log-chain138-${args.environment}`,
                location: args.plan.name,
                sku: { name: "PerGB2018" },
                retentionInDays: args.plan.logRetentionDays,
                tags: args.tags,
            },
            { parent: this },
        );
        sendDiagnostics(name, built.cluster, workspace.id, this);

        const account = new storage.StorageAccount(
            `${name}-backups`,
            {
                resourceGroupName,
                accountName: backupAccountName(pulumi.getProject(), args.environment),
                location: args.plan.name,
                kind: "StorageV2",
                sku: { name: args.plan.zones.length > 0 ? "Standard_ZRS" : "Standard_LRS" },
                minimumTlsVersion: "TLS1_2",
                enableHttpsTrafficOnly: true,
                allowBlobPublicAccess: false,
                // Entra ID only: no account keys that could leak.
                allowSharedKeyAccess: false,
                tags: args.tags,
            },
            { parent: this, protect: args.environment === "prod" },
        );
        new storage.BlobServiceProperties(
            `${name}-backup-retention`,
            {
                resourceGroupName,
                accountName: account.name,
                blobServicesName: "default",
                isVersioningEnabled: true,
                deleteRetentionPolicy: { enabled: true, days: 30 },
                containerDeleteRetentionPolicy: { enabled: true, days: 30 },
            },
            { parent: this },
        );
        const container = new storage.BlobContainer(
            `${name}-backup-container`,
            { resourceGroupName, accountName: account.name, containerName: BACKUP_CONTAINER, publicAccess: "None" },
            { parent: this },
        );

        const namespace = new k8s.core.v1.Namespace(
            `${name}-monitoring-ns`,
            { metadata: { name: MONITORING_NAMESPACE } },
            { parent: this, provider: built.provider },
        );
        this.monitoring = new k8s.helm.v4.Chart(
            `${name}-monitoring`,
            {
                name: MONITORING_RELEASE,
                chart: "kube-prometheus-stack",
                version: args.plan.monitoringChartVersion,
                repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
                namespace: namespace.metadata.name,
                values: monitoringValues(args.observability?.alerting),
            },
            { parent: this, provider: built.provider },
        );
        if (args.observability !== undefined) {
            this.observability = deployAdminObservability(
                `${name}-observability`,
                {
                    namespace: namespace.metadata.name,
                    expectations: args.observability.expectations,
                    prometheusUrl: ADMIN_PROMETHEUS_URL,
                    receiver: args.observability.receiver,
                },
                { parent: this, provider: built.provider, dependsOn: [this.monitoring] },
            );
        }

        this.hub = {
            region: args.plan.name,
            virtualNetworkId: built.virtualNetwork.id,
            virtualNetworkName: built.virtualNetwork.name,
            resourceGroupName: built.resourceGroup.name,
            sourceCidr: args.plan.subnetCidr,
            subnets: [built.nodeSubnet, ...(built.loadBalancerSubnet ? [built.loadBalancerSubnet] : [])],
        };
        this.region = args.plan.name;
        this.clusterName = built.cluster.name;
        this.resourceGroupName = resourceGroupName;
        this.logAnalyticsWorkspaceId = workspace.id;
        this.backupStorageAccountName = account.name;
        this.backupContainerName = container.name;
        this.kubeconfig = built.kubeconfig;
        this.provider = built.provider;
        this.registerOutputs({
            clusterName: this.clusterName,
            logAnalyticsWorkspaceId: this.logAnalyticsWorkspaceId,
            backupStorageAccountName: this.backupStorageAccountName,
            kubeconfig: this.kubeconfig,
        });
    }
}

/** Storage account names are global, 3–24 lowercase alphanumerics: derive a stable one. */
export function backupAccountName(project: string, environment: string): string {
    const digest = createHash("sha256").update(`${project}/${environment}`).digest("hex").slice(0, 10);
    return `c138bk${environment
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "")
        .slice(0, 8)}${digest}`;
}

/**
 * Values for kube-prometheus-stack: persistent, private, picking up every ServiceMonitor — and with nothing
 * that needs a Helm hook. `helm.v4.Chart` renders without hooks (its SDK doc: hooks are not supported outside
 * render mode), and in this chart the operator's admission webhook gets its certificate from hook Jobs
 * (templates/prometheus-operator/admission-webhooks/job-patch/, gated on admissionWebhooks.enabled and
 * admissionWebhooks.patch.enabled). Without them the operator pod waits forever on the missing
 * `<fullname>-admission` Secret (prometheus-community/helm-charts #6363); turning off only the webhook still
 * mounts it while `prometheusOperator.tls.enabled` is on (#6586). Grafana's test framework and the CRD
 * upgrade Job are hooks too.
 */
export function monitoringValues(alerting?: AdminObservabilityOptions["alerting"]): Record<string, unknown> {
    return {
        prometheusOperator: {
            admissionWebhooks: { enabled: false, patch: { enabled: false }, certManager: { enabled: false } },
            tls: { enabled: false },
        },
        crds: { upgradeJob: { enabled: false } },
        grafana: {
            testFramework: { enabled: false },
            persistence: { enabled: true, storageClassName: "managed-csi-premium", size: "10Gi" },
            service: { type: "ClusterIP" },
            // Dashboards come from ConfigMaps with this label (components/monitoring/dashboards.ts); set here so the
            // contract does not hang on a chart default.
            sidecar: { dashboards: { enabled: true, label: DASHBOARD_LABEL.key, labelValue: DASHBOARD_LABEL.value } },
        },
        prometheus: {
            service: { type: "ClusterIP" },
            prometheusSpec: {
                retention: "15d",
                // Besu ServiceMonitors are not labelled for this release; select them all.
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                // Our PrometheusRule carries no `release` label: select every rule.
                ruleSelectorNilUsesHelmValues: false,
                // Regional Prometheus agents push here, through the authenticating receiver (components/monitoring).
                enableRemoteWriteReceiver: true,
                storageSpec: {
                    volumeClaimTemplate: {
                        spec: {
                            storageClassName: "managed-csi-premium",
                            accessModes: ["ReadWriteOnce"],
                            resources: { requests: { storage: "100Gi" } },
                        },
                    },
                },
            },
        },
        alertmanager: {
            service: { type: "ClusterIP" },
            // alertmanager.yml holds the receivers' credentials: an Output made secret by the loaded config.
            ...(alerting === undefined
                ? {}
                : { config: pulumi.output(alerting.receivers).apply((receivers) => alertmanagerConfig(receivers, alerting.route)) }),
        },
    };
}
