// The hub peerings' logical names (components/hub-peering.ts), apart so the ops tools read them without the Azure SDK.

/** `hub-peering-<region>-to-hub` and `hub-peering-<region>-from-hub`. */
export const HUB_PEERING_PREFIX = "hub-peering";
