/**
 * The region catalog: every Azure region Chain 138 may run in, with the facts the program needs
 * about it. Zone support is from Microsoft's "Azure regions list" (learn.microsoft.com,
 * reliability/regions-list); a region without zones gets regional (non-zonal) node pools.
 */

/** What the program knows about one Azure region. */
export interface RegionInfo {
    /** Azure programmatic name, e.g. `northeurope`. */
    readonly name: string;
    /** Whether the region offers availability zones 1–3. */
    readonly hasZones: boolean;
    /** Address space of the region's VNet; unique across the fleet so regions can be peered later. */
    readonly vnetCidr: string;
    /** Default rollout wave (1 goes first). A stack can override the waves in `rollout.waves`. */
    readonly wave: number;
}

/** The admin region: monitoring, logs and backups; never validators or sentries. */
export const DEFAULT_ADMIN_REGION = "westeurope";

// Wave 1 is eight zonal regions spread over Europe and Asia-Pacific: enough to prove every
// region-level piece on real Azure before the other sixteen follow.
const CATALOG: readonly RegionInfo[] = [
    { name: "westeurope", hasZones: true, vnetCidr: "10.0.0.0/16", wave: 1 },
    { name: "northeurope", hasZones: true, vnetCidr: "10.1.0.0/16", wave: 1 },
    { name: "uksouth", hasZones: true, vnetCidr: "10.2.0.0/16", wave: 1 },
    { name: "ukwest", hasZones: false, vnetCidr: "10.3.0.0/16", wave: 2 },
    { name: "francecentral", hasZones: true, vnetCidr: "10.4.0.0/16", wave: 1 },
    { name: "germanywestcentral", hasZones: true, vnetCidr: "10.5.0.0/16", wave: 1 },
    { name: "switzerlandnorth", hasZones: true, vnetCidr: "10.6.0.0/16", wave: 2 },
    { name: "italynorth", hasZones: true, vnetCidr: "10.7.0.0/16", wave: 2 },
    { name: "norwayeast", hasZones: true, vnetCidr: "10.8.0.0/16", wave: 2 },
    { name: "polandcentral", hasZones: true, vnetCidr: "10.9.0.0/16", wave: 2 },
    { name: "spaincentral", hasZones: true, vnetCidr: "10.10.0.0/16", wave: 2 },
    { name: "swedencentral", hasZones: true, vnetCidr: "10.11.0.0/16", wave: 1 },
    { name: "belgiumcentral", hasZones: true, vnetCidr: "10.12.0.0/16", wave: 2 },
    { name: "australiaeast", hasZones: true, vnetCidr: "10.13.0.0/16", wave: 1 },
    { name: "australiasoutheast", hasZones: false, vnetCidr: "10.14.0.0/16", wave: 2 },
    { name: "eastasia", hasZones: true, vnetCidr: "10.15.0.0/16", wave: 2 },
    { name: "southeastasia", hasZones: true, vnetCidr: "10.16.0.0/16", wave: 1 },
    { name: "centralindia", hasZones: true, vnetCidr: "10.17.0.0/16", wave: 2 },
    { name: "southindia", hasZones: false, vnetCidr: "10.18.0.0/16", wave: 2 },
    { name: "westindia", hasZones: false, vnetCidr: "10.19.0.0/16", wave: 2 },
    { name: "japaneast", hasZones: true, vnetCidr: "10.20.0.0/16", wave: 1 },
    { name: "japanwest", hasZones: true, vnetCidr: "10.21.0.0/16", wave: 2 },
    { name: "koreacentral", hasZones: true, vnetCidr: "10.22.0.0/16", wave: 2 },
    { name: "koreasouth", hasZones: false, vnetCidr: "10.23.0.0/16", wave: 2 },
    { name: "canadacentral", hasZones: true, vnetCidr: "10.24.0.0/16", wave: 2 },
];

const BY_NAME: ReadonlyMap<string, RegionInfo> = new Map(CATALOG.map((region) => [region.name, region]));

/** Every region the catalog knows, admin region included. */
export function knownRegions(): readonly string[] {
    return CATALOG.map((region) => region.name);
}

/** The catalog entry for `name`, or undefined when the catalog does not know it. */
export function findRegion(name: string): RegionInfo | undefined {
    return BY_NAME.get(name);
}

/** The catalog entry for `name`; throws naming the region when it is unknown. */
export function getRegion(name: string): RegionInfo {
    const region = BY_NAME.get(name);
    if (!region) {
        throw new Error(`unknown Azure region "${name}"; known regions: ${knownRegions().join(", ")}`);
    }
    return region;
}

/** The 24 validator regions of the production fleet, in catalog order. */
export const PROD_VALIDATOR_REGIONS: readonly string[] = CATALOG.map((region) => region.name).filter((name) => name !== DEFAULT_ADMIN_REGION);

/** Availability zones to spread a region's pools over; empty where the region has none. */
export function zonesOf(region: RegionInfo): string[] {
    return region.hasZones ? ["1", "2", "3"] : [];
}
