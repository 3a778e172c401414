// Hub and spoke: every validator region's VNet peers with the admin region's VNet, in both directions (a peering is
// one-way; traffic flows once both exist: Azure "Virtual network peering"). No forwarded traffic and no gateway
// transit: peering is not transitive, so spokes never reach each other through the hub.
//
// One peering at a time, in config order, under the admin region (the hub owns them):
// - ARM runs one write at a time on a VNet; concurrent peering PUTs on the hub fail with AnotherOperationInProgress or
//   429 RetryableErrorDueToAnotherOperation, which pulumi-azure-native does not retry (pulumi-azure-native #903, #3720);
// - a peering whose remote VNet is being written fails with ReferencedResourceNotProvisioned
//   (hashicorp/terraform-provider-azurerm #2605), so the spoke's side waits for the previous hub-side write too.
// The chain touches only peerings (nothing of a region waits for them), so a region's own deployment stays independent;
// a failed peering stops the later ones until `pulumi up` runs again. 48 writes of ~10 s run beside the clusters.
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import type { HubNetwork, SpokeNetwork } from "./region-deployment";
import { HUB_PEERING_PREFIX } from "../stack/names";

const SETTINGS = { allowVirtualNetworkAccess: true, allowForwardedTraffic: false, allowGatewayTransit: false, useRemoteGateways: false };

/** Peers each spoke with the hub, both ways, one write after another; children of `parent` (the admin region). */
export function peerSpokesWithHub(hub: HubNetwork, spokes: readonly SpokeNetwork[], parent: pulumi.Resource): network.VirtualNetworkPeering[] {
    const peerings: network.VirtualNetworkPeering[] = [];
    for (const spoke of spokes) {
        const previous = peerings.at(-1);
        const waitFor = [...hub.subnets, ...spoke.subnets, ...(previous ? [previous] : [])];
        // Not `region-<r>-…`: the region's --target globs select its own deployment; `--target-dependents` brings these
        // (they depend on the region's subnets).
        const toHub = new network.VirtualNetworkPeering(
            `${HUB_PEERING_PREFIX}-${spoke.region}-to-hub`,
            {
                resourceGroupName: spoke.resourceGroupName,
                virtualNetworkName: spoke.virtualNetworkName,
                virtualNetworkPeeringName: `to-${hub.region}`,
                remoteVirtualNetwork: { id: hub.virtualNetworkId },
                ...SETTINGS,
            },
            { parent, dependsOn: waitFor },
        );
        const fromHub = new network.VirtualNetworkPeering(
            `${HUB_PEERING_PREFIX}-${spoke.region}-from-hub`,
            {
                resourceGroupName: hub.resourceGroupName,
                virtualNetworkName: hub.virtualNetworkName,
                virtualNetworkPeeringName: `to-${spoke.region}`,
                remoteVirtualNetwork: { id: spoke.virtualNetworkId },
                ...SETTINGS,
            },
            { parent, dependsOn: [...waitFor, toHub] },
        );
        peerings.push(toHub, fromHub);
    }
    return peerings;
}
