// Mandatory: every taggable Azure resource carries the fleet's tags (cost reports and Azure Policy key on them).
// Fail-closed: every azure-native resource is taggable unless its type is listed below as an ARM proxy/extension
// resource without `tags` (tests/policy/required-tags.test.ts checks each entry against the SDK's types).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asStringMap } from "../lib/read";

export interface RequiredTagsConfig {
    /** Tag keys every taggable Azure resource must carry with a non-empty value. */
    requiredTags?: string[];
}

export const DEFAULT_REQUIRED_TAGS: readonly string[] = ["environment", "region", "owner", "cost-centre"];

/** azure-native types whose ARM resource has no tags. */
export const UNTAGGABLE_TYPES: readonly string[] = [
    "azure-native:network:Subnet",
    "azure-native:network:SecurityRule",
    "azure-native:network:VirtualNetworkPeering",
    "azure-native:authorization:RoleAssignment",
    "azure-native:monitor:DiagnosticSetting",
    "azure-native:storage:BlobServiceProperties",
    "azure-native:storage:BlobContainer",
    "azure-native:containerservice:MaintenanceConfiguration",
    "azure-native:managedidentity:FederatedIdentityCredential",
];

export const requiredTags: ResourceValidationPolicy = {
    name: "required-tags",
    description: "Taggable Azure resources carry environment, region, owner and cost-centre tags.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            requiredTags: {
                type: "array",
                items: { type: "string" },
                default: [...DEFAULT_REQUIRED_TAGS],
                description: "Tag keys required on every taggable Azure resource.",
            },
        },
    },
    validateResource: (args, report) => {
        if (!args.type.startsWith("azure-native:") || UNTAGGABLE_TYPES.includes(args.type)) return;
        const required = args.getConfig<RequiredTagsConfig>().requiredTags ?? DEFAULT_REQUIRED_TAGS;
        const tags = asStringMap((args.props as Record<string, unknown>)["tags"]);
        const missing = required.filter((key) => (tags[key] ?? "").trim() === "");
        if (missing.length > 0) {
            report(`${args.name} (${args.type}): missing tag(s) ${missing.join(", ")}; has ${JSON.stringify(tags)}`);
        }
    },
};
