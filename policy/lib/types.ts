// Resource type tokens the policies look at.
export const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";
export const AGENT_POOL = "azure-native:containerservice:AgentPool";
export const NSG = "azure-native:network:NetworkSecurityGroup";
export const SECURITY_RULE = "azure-native:network:SecurityRule";
export const K8S_SERVICE = "kubernetes:core/v1:Service";
export const K8S_STATEFULSET = "kubernetes:apps/v1:StatefulSet";
export const K8S_PDB = "kubernetes:policy/v1:PodDisruptionBudget";
export const K8S_SECRET = "kubernetes:core/v1:Secret";
export const HELM_CHART_TYPES: readonly string[] = ["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v3:Chart"];
export const DYNAMIC_RESOURCE = "pulumi-nodejs:dynamic:Resource";
/** Component type of the admin region (components/admin-region.ts). */
export const ADMIN_REGION_COMPONENT = "chain138:index:AdminRegion";
