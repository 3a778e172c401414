/** The tags every Azure resource carries; the policy pack requires exactly these keys. */
export interface FleetTags {
    readonly environment: string;
    readonly owner: string;
    readonly costCentre: string;
}

/** Tags for a resource in `region`, in the key spelling Azure policies and cost reports use. */
export function regionTags(tags: FleetTags, region: string): Record<string, string> {
    return {
        environment: tags.environment,
        region,
        owner: tags.owner,
        "cost-centre": tags.costCentre,
        "managed-by": "pulumi",
    };
}
