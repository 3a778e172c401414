// Who may reach the fleet's JSON-RPC: the public endpoint's source allowlist and the browser origins of CORS.
import { parseCidr, overlaps, type Ipv4Block } from "../regions/cidr";

/**
 * Address blocks that never arrive as the source of a connection from the Internet to an Azure public IP: the
 * special-purpose blocks of RFC 6890 / the IANA IPv4 Special-Purpose Address Registry that are not globally
 * reachable (private 10/8, 172.16/12, 192.168/16; shared 100.64/10; loopback; link-local; "this network" 0/8;
 * documentation and benchmarking ranges; multicast and reserved 224/3). An allowlist entry inside one admits nobody,
 * and is almost always a mistake for the hub's private path (which has its own rule).
 */
const NOT_INTERNET_SOURCES: readonly string[] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/3",
];

/** The widest entry accepted: a /8 is 16.7 million addresses; anything wider is "the Internet" with extra steps. */
export const WIDEST_RPC_PREFIX = 8;

/** Problems of `chain138:rpcAllowedCidrs`, each naming the entry. */
export function rpcAllowedCidrProblems(cidrs: readonly string[], key: string): string[] {
    const problems: string[] = [];
    const reserved = NOT_INTERNET_SOURCES.map((cidr) => parseCidr(cidr)!);
    const seen: Ipv4Block[] = [];
    cidrs.forEach((entry, i) => {
        const where = `${key}[${i}]`;
        const block = parseCidr(entry);
        if (block === undefined) {
            problems.push(`${where}: "${entry}" is not an IPv4 CIDR block with its host bits clear (e.g. 203.0.113.7/32)`);
            return;
        }
        const prefix = Number(entry.split("/")[1]);
        if (prefix < WIDEST_RPC_PREFIX) {
            problems.push(`${where}: "${entry}" admits more than a /${WIDEST_RPC_PREFIX}; list the operators' and dApps' own ranges`);
        }
        const inside = reserved.find((r) => overlaps(r, block));
        if (inside !== undefined) {
            problems.push(`${where}: "${entry}" overlaps ${inside.cidr}, which never reaches a public IP from the Internet (RFC 6890)`);
        }
        const dup = seen.find((other) => overlaps(other, block));
        if (dup !== undefined) problems.push(`${where}: "${entry}" overlaps "${dup.cidr}" listed before it`);
        seen.push(block);
    });
    return problems;
}

/**
 * Problems of `chain138:rpcCorsOrigins`. Besu compares the request's Origin header with each entry
 * (rpc-http-cors-origins; "*" allows all, which we never do). An origin is scheme://host[:port], nothing else
 * (WHATWG URL "origin"), so a path or a trailing slash would never match.
 */
export function rpcCorsOriginProblems(origins: readonly string[], key: string): string[] {
    const problems: string[] = [];
    origins.forEach((entry, i) => {
        const where = `${key}[${i}]`;
        if (entry.includes("*")) {
            problems.push(`${where}: "${entry}": wildcards are refused; list each origin`);
            return;
        }
        let url: URL;
        try {
            url = new URL(entry);
        } catch {
            problems.push(`${where}: "${entry}" is not an origin like https://app.example.org`);
            return;
        }
        if ((url.protocol !== "https:" && url.protocol !== "http:") || url.origin !== entry) {
            problems.push(`${where}: "${entry}" is not an origin (scheme://host[:port], no path or trailing slash): did you mean "${url.origin}"?`);
        }
    });
    return problems;
}
