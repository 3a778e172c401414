// Pure secp256k1 node-identity derivation for Besu: private key → address, enode id, enode URL.
// The public key comes from node:crypto (OpenSSL), the address hash from ethers' keccak256; the tests
// cross-check both against ethers' own Wallet/SigningKey so the two implementations must agree.
import { createECDH } from "node:crypto";
import { getAddress, keccak256 } from "ethers";
import { BESU_P2P_PORT } from "../../stack/names";

/** Order of the secp256k1 group: a private key must lie in [1, N-1]. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The public identity of a node derived from its private key. */
export interface NodeIdentity {
    /** Checksummed Ethereum address (last 20 bytes of keccak256 of the 64-byte public key). */
    address: string;
    /** Enode id: the uncompressed public key without its 0x04 prefix, 128 lowercase hex chars, no 0x. */
    publicKey: string;
}

/**
 * Normalises a secp256k1 private key to `0x` + 64 lowercase hex chars.
 * Throws (without echoing the key) when it is not 32 bytes of hex or not in [1, N-1].
 */
export function normalizePrivateKey(privateKey: string): string {
    const hex = privateKey.startsWith("0x") || privateKey.startsWith("0X") ? privateKey.slice(2) : privateKey;
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
        throw new Error(`node private key must be 32 bytes of hex (64 hex chars, optional 0x); got ${hex.length} chars`);
    }
    const k = BigInt(`0x${hex}`);
    if (k === 0n || k >= SECP256K1_N) {
        throw new Error("node private key is outside the secp256k1 range [1, n-1]");
    }
    return `0x${hex.toLowerCase()}`;
}

/** Derives the address and enode id of a secp256k1 private key. */
export function deriveNodeIdentity(privateKey: string): NodeIdentity {
    const normalized = normalizePrivateKey(privateKey);
    const ecdh = createECDH("secp256k1");
    ecdh.setPrivateKey(Buffer.from(normalized.slice(2), "hex"));
    const uncompressed = ecdh.getPublicKey(); // 65 bytes: 0x04 || X || Y
    if (uncompressed.length !== 65 || uncompressed[0] !== 0x04) {
        throw new Error("secp256k1 public key is not a 65-byte uncompressed point");
    }
    const xy = uncompressed.subarray(1);
    const address = getAddress(`0x${keccak256(xy).slice(-40)}`);
    return { address, publicKey: xy.toString("hex") };
}

/** Generates a fresh random secp256k1 private key (`0x` + 64 hex) with the OS CSPRNG. */
export function generatePrivateKey(): string {
    const ecdh = createECDH("secp256k1");
    ecdh.generateKeys();
    return normalizePrivateKey(ecdh.getPrivateKey("hex").padStart(64, "0"));
}

/** Validates an enode id (128 hex chars, no 0x) and returns it lowercased. */
export function normalizeEnodeId(publicKey: string): string {
    if (!/^[0-9a-fA-F]{128}$/.test(publicKey)) {
        throw new Error(`enode id must be 64 bytes as 128 hex chars without 0x; got "${publicKey.slice(0, 20)}…" (${publicKey.length} chars)`);
    }
    return publicKey.toLowerCase();
}

/**
 * Builds `enode://<id>@<ipv4>:<port>`. Besu only accepts IP addresses in enode URLs unless DNS support is
 * switched on, so the host must be a dotted IPv4 address.
 */
export function enodeUrl(publicKey: string, ip: string, port: number = BESU_P2P_PORT): string {
    const id = normalizeEnodeId(publicKey);
    if (!isIpv4(ip)) {
        throw new Error(`enode host must be an IPv4 address; got "${ip}"`);
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`enode port must be an integer in 1..65535; got ${port}`);
    }
    return `enode://${id}@${ip}:${port}`;
}

/** The parts of an enode URL. */
export interface ParsedEnode {
    /** 128 lowercase hex chars. */
    id: string;
    /** IPv4 address. */
    ip: string;
    /** TCP listening port. */
    port: number;
}

/** Parses an `enode://<id>@<ipv4>:<port>` URL (query such as `?discport=` is rejected: we never emit it). */
export function parseEnodeUrl(url: string): ParsedEnode {
    const m = /^enode:\/\/([0-9a-fA-F]{128})@([0-9.]+):(\d{1,5})$/.exec(url);
    if (!m || !isIpv4(m[2]) || Number(m[3]) < 1 || Number(m[3]) > 65535) {
        throw new Error(`not an enode URL of the form enode://<128 hex>@<ipv4>:<port>: "${url}"`);
    }
    return { id: m[1].toLowerCase(), ip: m[2], port: Number(m[3]) };
}

/** True for a dotted-quad IPv4 address without leading zeros. */
export function isIpv4(ip: string): boolean {
    const parts = ip.split(".");
    return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}
