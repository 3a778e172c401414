// Explorer source verification: the entry points the CLI and the deployment use.
export { verifyAll, type VerifyAllOptions } from "./verify-all";
export { verifyContract, explorerClient, type VerifyOptions } from "./verify-contract";
export { deploymentFromOutputs, parseAddressesFile, parseExplorers, explorersFromStackConfig, stackConfigValue } from "./inputs";
export { formatTable, jsonReport, orderResults, summarize, summaryLine } from "./report";
export { argsFromCreationTx, decodeConstructorArgs, encodeConstructorArgs, CREATE2_PROXY } from "./constructor-args";
export type { DeployedContract, ExplorerConfig, ExplorersConfig, VerifyResult, VerifyStatus } from "./types";
