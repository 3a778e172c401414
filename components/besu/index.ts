// Public surface of the Besu network module (the core program imports from here).
export { BesuNetwork, createBesuNetwork, planFleet } from "./network";
export type { BesuNetworkArgs, BesuNetworkOutputs, BesuRegionSpec, BesuGenesisOptions } from "./network";
export type { BesuNodeInputs, RegionBesuInputs } from "./types";
export { installBesu, BESU_CHART_PATH } from "./release";
export type { InstallBesuArgs, InstallBesuOptions, BesuRelease } from "./release";
export { VaultNodeKey, nodeKeySecretName } from "./vault-node-key";
export type { VaultNodeKeyArgs } from "./vault-node-key";
export { buildQbftGenesis, renderGenesisJson, encodeQbftExtraData, decodeQbftExtraData } from "./genesis";
export type { QbftGenesisParams, QbftGenesis, QbftTiming } from "./genesis";
export { deriveNodeIdentity, enodeUrl, parseEnodeUrl } from "./keys";
