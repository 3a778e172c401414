// Shared inputs for the Besu tests (inputs only: every expected value is computed or published elsewhere).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Multicall3 runtime code for tests. Uses the contracts build's artifact when it exists; otherwise a
 * minimal dispatcher that, like any Multicall3, dispatches on aggregate3's selector:
 *   PUSH1 0 CALLDATALOAD PUSH1 0xe0 SHR DUP1 PUSH4 0x82ad56cb EQ PUSH1 0x14 JUMPI PUSH1 0 DUP1 REVERT JUMPDEST STOP
 */
export function multicall3RuntimeCode(): string {
    const artifact = join(__dirname, "..", "..", "contracts", "build", "Multicall3.json");
    if (existsSync(artifact)) {
        const parsed = JSON.parse(readFileSync(artifact, "utf8")) as { deployedBytecode?: unknown };
        if (typeof parsed.deployedBytecode === "string" && parsed.deployedBytecode.length > 2) {
            return parsed.deployedBytecode.startsWith("0x") ? parsed.deployedBytecode : `0x${parsed.deployedBytecode}`;
        }
    }
    return "0x60003560e01c806382ad56cb14601457600080fd5b00";
}

/** The 24 validator regions of the fleet (Azure locations), as the tests model them. */
export const FLEET_REGIONS: readonly string[] = [
    "eastus",
    "eastus2",
    "westus2",
    "westus3",
    "centralus",
    "southcentralus",
    "canadacentral",
    "brazilsouth",
    "northeurope",
    "uksouth",
    "francecentral",
    "germanywestcentral",
    "swedencentral",
    "switzerlandnorth",
    "norwayeast",
    "polandcentral",
    "southafricanorth",
    "uaenorth",
    "centralindia",
    "japaneast",
    "koreacentral",
    "southeastasia",
    "australiaeast",
    "eastasia",
];
