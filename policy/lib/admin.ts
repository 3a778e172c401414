// Telling admin-region resources apart. Locations are in the props; Kubernetes objects only know their
// provider, so a provider belongs to the admin cluster when it is created under the AdminRegion component
// (its URN's type chain) or its name carries the admin region as a dash-separated token (`admin-westeurope-k8s`).
import type { PolicyProviderResource } from "@pulumi/policy";
import { ADMIN_REGION_COMPONENT } from "./types";

/** The admin region when the policy config does not name one (regions/catalog.ts DEFAULT_ADMIN_REGION). */
export { DEFAULT_ADMIN_REGION } from "../../regions/catalog";

/** Whether `name` contains `region` as a whole dash-separated token (`northeurope` ≠ `europe`). */
export function hasRegionToken(name: string, region: string): boolean {
    return name.split(/[-_:$]/).includes(region);
}

/** Whether a Kubernetes provider talks to the admin region's cluster. */
export function isAdminProvider(provider: PolicyProviderResource | undefined, adminRegion: string): boolean {
    if (provider === undefined) return false;
    const typeChain = provider.urn.split("::")[2] ?? "";
    return typeChain.split("$").includes(ADMIN_REGION_COMPONENT) || hasRegionToken(provider.name, adminRegion);
}
