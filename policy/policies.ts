// Every policy of the pack, in one list: index.ts serves it, the tests run it over the real program.
import type { Policies } from "@pulumi/policy";
import { adminRegionNoBesu } from "./policies/admin-region-no-besu";
import { attesterKeysSpread } from "./policies/attester-keys-spread";
import { aksHardening } from "./policies/aks-hardening";
import { aksUpgradeSettings } from "./policies/aks-upgrade-settings";
import { besuPdb } from "./policies/besu-pdb";
import { deployerKeySecret } from "./policies/deployer-key-secret";
import { keyCustodyPerRegion } from "./policies/key-custody-per-region";
import { maintenanceWindows } from "./policies/maintenance-windows";
import { metricsNotPublic } from "./policies/metrics-not-public";
import { nsgP2pSource } from "./policies/nsg-p2p-source";
import { requiredTags } from "./policies/required-tags";
import { rpcEndpointsRestricted } from "./policies/rpc-endpoints-restricted";
import { stackConfigKeyEncrypted } from "./policies/stack-config-key-encrypted";
import { validatorP2pOnly } from "./policies/validator-p2p-only";
import { validatorRpcPrivate } from "./policies/validator-rpc-private";
import { vcpuQuota } from "./policies/vcpu-quota";
import { zonesUsed } from "./policies/zones-used";

export const PACK_NAME = "chain138";

export const POLICIES: Policies = [
    adminRegionNoBesu,
    vcpuQuota,
    aksHardening,
    aksUpgradeSettings,
    maintenanceWindows,
    validatorP2pOnly,
    nsgP2pSource,
    validatorRpcPrivate,
    rpcEndpointsRestricted,
    requiredTags,
    deployerKeySecret,
    stackConfigKeyEncrypted,
    zonesUsed,
    besuPdb,
    metricsNotPublic,
    attesterKeysSpread,
    keyCustodyPerRegion,
];
