/** IPv4 CIDR arithmetic for the overlap check: a block is [first, last] as 32-bit integers. */

export interface Ipv4Block {
    readonly cidr: string;
    readonly first: number;
    readonly last: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything else, including host bits set. */
export function parseCidr(cidr: string): Ipv4Block | undefined {
    const match = CIDR_PATTERN.exec(cidr);
    if (!match) return undefined;
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
    const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
    const size = 2 ** (32 - prefix);
    if (address % size !== 0) return undefined;
    return { cidr, first: address, last: address + size - 1 };
}

/** Whether two blocks share at least one address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
    return a.first <= b.last && b.first <= a.last;
}

/** The first `/prefix` block inside `block` (for carving a subnet out of a VNet). */
export function firstSubnet(block: Ipv4Block, prefix: number): string {
    const first = block.first;
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix}`;
}

/** The `index`-th `/prefix` block inside `block` (0 = {@link firstSubnet}); undefined when it lies outside. */
export function nthSubnet(block: Ipv4Block, prefix: number, index: number): string | undefined {
    const first = block.first + index * 2 ** (32 - prefix);
    if (index < 0 || first + 2 ** (32 - prefix) - 1 > block.last) return undefined;
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix}`;
}

/** The `n`-th address of a block (0 = the network address) as dotted quad. */
export function addressAt(block: Ipv4Block, n: number): string {
    const address = block.first + n;
    return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}
