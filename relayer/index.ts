// Public API of the CCIP relayer service (the dev stack and relayer/main.ts code against this).
export { startRelayer } from "./service";
export type { Relayer, RelayerChain, RelayerOptions } from "./types";
