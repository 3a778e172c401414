// The one-command prod deploy of issue 13 as run options for the mock program: the prod stack file plus only mainnet in
// `chains`, CCIP attesters and threshold, the attester services, the relayer and a public-RPC allowlist. Chain 138 is then added by config
// validation with its RPC from the fleet. Shared by the simulator and the tests (placeholder keys, nothing is sent).
import { Wallet, id } from "ethers";
import { TEST_DEPLOYER_KEY, type RunOptions } from "./mock-program";

export const SCENARIO_ATTESTER_KEYS = ["attester-a", "attester-b", "attester-c"].map((label) => id(label));
/** Public sources admitted to the RPC endpoints (not documentation ranges: config validation refuses those). */
export const SCENARIO_ALLOWED_CIDRS = ["145.100.7.0/24", "52.174.10.9/32"];
export const SCENARIO_CHAINS = {
    mainnet: { rpcUrl: "https://eth.example.org/v2/S3CRETPATH", chainId: 1, chainSelector: "5009297550715157269", confirmations: 12 },
};
export const SCENARIO_CCIP = {
    attesters: SCENARIO_ATTESTER_KEYS.map((key) => new Wallet(key).address),
    threshold: 2,
    fee: { baseFee: "10000", feePerByte: "10", feePerGas: "1" },
};
export const SCENARIO_RELAYER = {
    image: "chain138acr.azurecr.io/chain138-relayer:1.0.0",
    relayerKey: id("relayer"),
};
/** The relayer's signers: two attesters this stack runs in two validator regions, one an operator runs elsewhere. */
export const SCENARIO_ATTESTERS = {
    alpha: { region: "northeurope", key: SCENARIO_ATTESTER_KEYS[0], token: id("token-alpha"), image: "chain138acr.azurecr.io/chain138-attester:1.0.0" },
    beta: { region: "uksouth", key: SCENARIO_ATTESTER_KEYS[1], token: id("token-beta"), image: "chain138acr.azurecr.io/chain138-attester:1.0.0" },
    gamma: { url: "https://attester.operator.example", address: new Wallet(SCENARIO_ATTESTER_KEYS[2]).address, token: id("token-gamma") },
};

/** `stack` (prod by default) with only mainnet configured; `overrides` replace config keys, `secrets` add secret ones. */
export function mainnetOnlyScenario(overrides: Record<string, unknown> = {}, stack = "prod", secrets: Record<string, string> = {}): RunOptions {
    return {
        stack,
        overrides: { ccip: SCENARIO_CCIP, rpcAllowedCidrs: SCENARIO_ALLOWED_CIDRS, ...overrides },
        secrets: {
            deployerKey: TEST_DEPLOYER_KEY,
            relayer: JSON.stringify(SCENARIO_RELAYER),
            attesters: JSON.stringify(SCENARIO_ATTESTERS),
            chains: JSON.stringify(SCENARIO_CHAINS),
            ...secrets,
        },
    };
}

/** An operator certificate for the public endpoints (PEM framing only: nothing parses it under mocks). */
export const SCENARIO_PUBLIC_TLS = {
    hostname: "{region}.rpc.example.org",
    certificate: "-----BEGIN CERTIFICATE-----\nMIIBpublic\n-----END CERTIFICATE-----\n",
    privateKey: "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIoperatorkey\n-----END EC PRIVATE KEY-----\n",
};
