// Mandatory: an NSG rule that admits P2P 30303 names its sources; never `*`, `Internet` or 0.0.0.0/0.
// Checks the rules inline in a NetworkSecurityGroup and standalone SecurityRule resources.
import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { P2P_PORT } from "../lib/besu";
import { asArray, asRecord, asString, asStringArray } from "../lib/read";
import { NSG, SECURITY_RULE } from "../lib/types";

const OPEN_SOURCES: readonly string[] = ["*", "internet", "any", "0.0.0.0/0", "0.0.0.0", "::/0"];

/** Whether a port spec (`30303`, `30000-31000`, `*`) covers `port`. */
export function portSpecCovers(spec: string, port: number): boolean {
    const s = spec.trim();
    if (s === "*") return true;
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(s);
    if (range !== null) return Number(range[1]) <= port && port <= Number(range[2]);
    return /^\d+$/.test(s) && Number(s) === port;
}

function checkRule(owner: string, value: unknown, report: ReportViolation): void {
    const rule = asRecord(value) ?? {};
    if ((asString(rule["direction"]) ?? "Inbound") !== "Inbound" || (asString(rule["access"]) ?? "Allow") !== "Allow") return;
    const ports = [asString(rule["destinationPortRange"]), ...asStringArray(rule["destinationPortRanges"])].filter((p): p is string => p !== undefined);
    if (!ports.some((p) => portSpecCovers(p, P2P_PORT))) return;
    const sources = [asString(rule["sourceAddressPrefix"]), ...asStringArray(rule["sourceAddressPrefixes"])].filter((p): p is string => p !== undefined);
    const name = asString(rule["name"]) ?? "(unnamed)";
    if (sources.length === 0) {
        report(`${owner}: rule "${name}" admits port ${P2P_PORT} without a source; name the fleet's addresses`);
    }
    for (const source of sources.filter((s) => OPEN_SOURCES.includes(s.trim().toLowerCase()))) {
        report(`${owner}: rule "${name}" admits port ${P2P_PORT} from "${source}"; only the fleet's addresses may reach P2P`);
    }
}

export const nsgP2pSource: ResourceValidationPolicy = {
    name: "nsg-p2p-from-fleet-only",
    description: "NSG rules admitting 30303 never use source *, Internet or 0.0.0.0/0.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const props = args.props as Record<string, unknown>;
        if (args.type === NSG) {
            for (const rule of asArray(props["securityRules"])) checkRule(args.name, rule, report);
        } else if (args.type === SECURITY_RULE) {
            checkRule(args.name, props, report);
        }
    },
};
