// The Chain 138 QBFT genesis: pure, deterministic functions (same inputs → same bytes in every region).
//
// Choices, with reasons:
// - Forks: every block-numbered milestone through London at block 0, then `shanghaiTime: 0`. Shanghai is
//   the newest EVM Besu runs under QBFT (BFT support for timestamp milestones landed in Besu 24.1,
//   hyperledger/besu#6353, fixing #5446), and it is the first fork with PUSH0, which solc emits for
//   evmVersion "shanghai" and later. Contracts must therefore be compiled with evmVersion <= "shanghai"
//   (solc 0.8.30 defaults to "prague": its MCOPY/TSTORE opcodes would be invalid here).
// - Fees: a normal EIP-1559 market (London at genesis, `baseFeePerGas` seeded at 1 gwei) rather than
//   `zeroBaseFee`. Sentries serve JSON-RPC to clients; with free gas anyone able to submit a transaction
//   could fill 2-second blocks at no cost. With a base fee only funded accounts (the deployer and whoever
//   it funds) can transact, the fee rises under load, and wallets/ethers/foundry need no special casing.
//   On an idle chain Besu lets the base fee decay towards its floor, so routine operation stays cheap.
// - Validators are written in ascending address order: Besu's BFT header rules expect the validator list
//   of every later block sorted by address, so the genesis uses the same canonical order.
import { decodeRlp, encodeRlp, getAddress, isHexString } from "ethers";

/** QBFT's magic mixHash ("ctical byzantine fault tolerance"), required in every QBFT/IBFT2 header. */
/** QBFT `blockperiodseconds` when the genesis options set none (the monitoring rules read it too). */
export const DEFAULT_BLOCK_PERIOD_SECONDS = 2;

export const QBFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";

/** Arachnid's deterministic-deployment (CREATE2) proxy address, the one anvil and most chains carry. */
export const CREATE2_PROXY_ADDRESS = "0x4e59b44847b379578588920ca78fbf26c0b4956c";

/**
 * Runtime code of the CREATE2 proxy: calldata = salt (32 bytes) || init code; deploys with CREATE2 and
 * returns the 20-byte address. It is the code the well-known presigned deployment transaction leaves at
 * {@link CREATE2_PROXY_ADDRESS} (the tests derive it from that transaction).
 */
export const CREATE2_PROXY_RUNTIME_CODE =
    "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";

/** Multicall3's address (same on every chain, deployed from a presigned transaction elsewhere). */
export const MULTICALL3_ADDRESS = "0xca11bde05977b3631167028862be2a173976ca11";

/** `aggregate3((address,bool,bytes)[])` selector: any Multicall3 runtime code dispatches on it. */
const MULTICALL3_AGGREGATE3_SELECTOR = "82ad56cb";

/** EIP-170 code size limit; predeploys larger than this could never have been deployed normally. */
const MAX_CODE_BYTES = 24_576;

/** QBFT timing parameters (`config.qbft`). */
export interface QbftTiming {
    /** Target seconds between blocks. Default 2. */
    blockPeriodSeconds?: number;
    /** Blocks after which pending validator votes are discarded. Default 30000. */
    epochLength?: number;
    /** Seconds before a round times out and a round change starts. Default 10. */
    requestTimeoutSeconds?: number;
}

/** Inputs of {@link buildQbftGenesis}. */
export interface QbftGenesisParams {
    /** EIP-155 chain id. Required (Chain 138: 138). */
    chainId: number;
    /** Initial validator addresses (at least one, distinct, 20-byte hex; config validation requires 4). Order does not matter: they are sorted. */
    validators: readonly string[];
    /** Deployer account funded at genesis. Required. */
    deployerAddress: string;
    /** Deployer balance in wei. Default 1,000,000 ether. */
    deployerBalanceWei?: bigint;
    /** Multicall3 runtime (deployed) bytecode, `0x` hex. Required. */
    multicall3RuntimeCode: string;
    /** Block gas limit. Default 30,000,000. */
    gasLimit?: bigint;
    /** Genesis base fee in wei (EIP-1559). Default 1 gwei. */
    baseFeePerGas?: bigint;
    /** Genesis timestamp, seconds since the epoch. Default 0. */
    timestamp?: number;
    /** QBFT timing. Defaults: 2 s blocks, epoch 30000, 10 s request timeout. */
    qbft?: QbftTiming;
}

/** A genesis alloc entry. */
export interface GenesisAccount {
    balance: string;
    nonce?: string;
    code?: string;
}

/** The genesis document (key order is the order it is serialised in). */
export interface QbftGenesis {
    config: Record<string, unknown>;
    nonce: string;
    timestamp: string;
    extraData: string;
    gasLimit: string;
    difficulty: string;
    mixHash: string;
    coinbase: string;
    baseFeePerGas: string;
    number: string;
    gasUsed: string;
    parentHash: string;
    alloc: Record<string, GenesisAccount>;
}

/** The decoded QBFT extraData. */
export interface QbftExtraData {
    vanity: string;
    validators: string[];
    votes: unknown[];
    round: string;
    seals: unknown[];
}

const ZERO_32 = `0x${"00".repeat(32)}`;
const ZERO_ADDRESS = `0x${"00".repeat(20)}`;

/** Validates and lowercases a list of addresses; `what` names them in errors. */
function checkAddresses(addresses: readonly string[], what: string): string[] {
    const seen = new Map<string, number>();
    return addresses.map((a, i) => {
        if (typeof a !== "string" || !/^(0x)?[0-9a-fA-F]{40}$/.test(a)) {
            throw new Error(`${what}[${i}] is not a 20-byte hex address: ${JSON.stringify(a)}`);
        }
        const lower = (a.startsWith("0x") ? a : `0x${a}`).toLowerCase();
        try {
            getAddress(a.startsWith("0x") ? a : `0x${a}`); // rejects a wrong EIP-55 checksum on mixed case
        } catch {
            throw new Error(`${what}[${i}] has an invalid EIP-55 checksum: ${a}`);
        }
        const prev = seen.get(lower);
        if (prev !== undefined) {
            throw new Error(`${what}[${i}] duplicates ${what}[${prev}]: ${getAddress(lower)}`);
        }
        seen.set(lower, i);
        return lower;
    });
}

/**
 * RLP([32 zero bytes, [validators], [] votes, round 0 as empty bytes, [] seals]) — the QBFT genesis
 * extraData for block-header validator selection. Keeps the given order (the published Besu vectors are
 * unsorted); {@link buildQbftGenesis} sorts before calling it.
 */
export function encodeQbftExtraData(validators: readonly string[]): string {
    const list = checkAddresses(validators, "validators");
    return encodeRlp([ZERO_32, list, [], "0x", []]);
}

/** Decodes a QBFT extraData and checks its shape; addresses come back checksummed. */
export function decodeQbftExtraData(extraData: string): QbftExtraData {
    if (!isHexString(extraData)) {
        throw new Error(`extraData is not 0x hex: ${extraData.slice(0, 20)}…`);
    }
    const decoded = decodeRlp(extraData);
    if (!Array.isArray(decoded) || decoded.length !== 5) {
        throw new Error(`QBFT extraData must be an RLP list of 5 items; got ${Array.isArray(decoded) ? decoded.length : "a string"}`);
    }
    const [vanity, validators, votes, round, seals] = decoded;
    if (typeof vanity !== "string" || vanity.length !== 66) throw new Error("QBFT extraData vanity must be 32 bytes");
    if (!Array.isArray(validators) || !validators.every((v) => typeof v === "string" && v.length === 42)) {
        throw new Error("QBFT extraData validators must be a list of 20-byte strings");
    }
    if (!Array.isArray(votes)) throw new Error("QBFT extraData votes must be a list");
    if (typeof round !== "string") throw new Error("QBFT extraData round must be a byte string");
    if (!Array.isArray(seals)) throw new Error("QBFT extraData seals must be a list");
    return { vanity, validators: (validators as string[]).map((v) => getAddress(v)), votes, round, seals };
}

function toQuantity(n: bigint | number, what: string): string {
    const b = BigInt(n);
    if (b < 0n) throw new Error(`${what} must be >= 0; got ${n}`);
    return `0x${b.toString(16)}`;
}

function checkPositiveInt(n: number, what: string): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer; got ${n}`);
    return n;
}

/** Validates runtime bytecode given for a predeploy and returns it lowercased. */
function checkRuntimeCode(code: string, what: string): string {
    if (typeof code !== "string" || !/^0x([0-9a-fA-F]{2})+$/.test(code)) {
        throw new Error(`${what} must be non-empty 0x-prefixed hex of whole bytes`);
    }
    const bytes = (code.length - 2) / 2;
    if (bytes > MAX_CODE_BYTES) {
        throw new Error(`${what} is ${bytes} bytes, above the EIP-170 limit of ${MAX_CODE_BYTES}`);
    }
    return code.toLowerCase();
}

/** Builds the genesis document. Throws an Error naming the bad parameter. */
export function buildQbftGenesis(params: QbftGenesisParams): QbftGenesis {
    const chainId = checkPositiveInt(params.chainId, "chainId");
    // How many validators a fleet needs is config policy (config/fleet-config.ts MIN_VALIDATORS); a genesis needs one.
    if (!Array.isArray(params.validators) || params.validators.length === 0) throw new Error("validators: a QBFT genesis needs at least one validator");
    const validators = checkAddresses(params.validators, "validators").sort();
    const [deployer] = checkAddresses([params.deployerAddress], "deployerAddress");
    const multicall3 = checkRuntimeCode(params.multicall3RuntimeCode, "multicall3RuntimeCode");
    if (!multicall3.includes(`63${MULTICALL3_AGGREGATE3_SELECTOR}`)) {
        throw new Error(
            `multicall3RuntimeCode does not dispatch aggregate3 (selector 0x${MULTICALL3_AGGREGATE3_SELECTOR}): is it Multicall3's deployedBytecode?`,
        );
    }
    if (deployer === CREATE2_PROXY_ADDRESS || deployer === MULTICALL3_ADDRESS) {
        throw new Error(`deployerAddress ${getAddress(deployer)} collides with a predeploy`);
    }
    const timing = params.qbft ?? {};
    const gasLimit = params.gasLimit ?? 30_000_000n;
    if (gasLimit < 5_000n) throw new Error(`gasLimit must be >= 5000 (Besu's minimum); got ${gasLimit}`);
    const timestamp = params.timestamp ?? 0;
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error(`timestamp must be a non-negative integer; got ${timestamp}`);

    // No "comment" fields: Besu ignores them but geth-format tools (anvil --init) reject them.
    const alloc: Record<string, GenesisAccount> = {};
    const entries: [string, GenesisAccount][] = [
        [deployer, { balance: toQuantity(params.deployerBalanceWei ?? 10n ** 24n, "deployerBalanceWei") }],
        [CREATE2_PROXY_ADDRESS, { balance: "0x0", nonce: "0x1", code: CREATE2_PROXY_RUNTIME_CODE }],
        [MULTICALL3_ADDRESS, { balance: "0x0", nonce: "0x1", code: multicall3 }],
    ];
    for (const [addr, account] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        alloc[addr.slice(2)] = account;
    }

    return {
        config: {
            chainId,
            homesteadBlock: 0,
            eip150Block: 0,
            eip155Block: 0,
            eip158Block: 0,
            byzantiumBlock: 0,
            constantinopleBlock: 0,
            petersburgBlock: 0,
            istanbulBlock: 0,
            berlinBlock: 0,
            londonBlock: 0,
            shanghaiTime: 0,
            qbft: {
                blockperiodseconds: checkPositiveInt(timing.blockPeriodSeconds ?? DEFAULT_BLOCK_PERIOD_SECONDS, "qbft.blockPeriodSeconds"),
                epochlength: checkPositiveInt(timing.epochLength ?? 30_000, "qbft.epochLength"),
                requesttimeoutseconds: checkPositiveInt(timing.requestTimeoutSeconds ?? 10, "qbft.requestTimeoutSeconds"),
                ...qbftMessageLimits(validators.length),
            },
        },
        nonce: "0x0",
        timestamp: toQuantity(timestamp, "timestamp"),
        extraData: encodeQbftExtraData(validators),
        gasLimit: toQuantity(gasLimit, "gasLimit"),
        difficulty: "0x1",
        mixHash: QBFT_MIX_HASH,
        coinbase: ZERO_ADDRESS,
        baseFeePerGas: toQuantity(params.baseFeePerGas ?? 1_000_000_000n, "baseFeePerGas"),
        number: "0x0",
        gasUsed: "0x0",
        parentHash: ZERO_32,
        alloc,
    };
}

/**
 * QBFT message buffers sized for the validator count. Besu's defaults (JsonBftConfigOptions: duplicatemessagelimit
 * 100, messagequeuelimit 1000, futuremessageslimit 1000, gossipedhistorylimit 1000) are, in its own words, "suitable
 * protection for a typical 20 node validator network". besu-docs (QBFT, optional configuration options):
 * duplicatemessagelimit "two to three times the number of validators is usually enough"; the queue and history
 * limits grow with the message volume, which per height is ~3 messages per validator (proposal/prepare/commit,
 * round changes), for up to futuremessagesmaxdistance (10) heights ahead. Never below Besu's defaults.
 */
export function qbftMessageLimits(validatorCount: number): Record<string, number> {
    const perHeight = 3 * validatorCount;
    return {
        duplicatemessagelimit: Math.max(100, 3 * validatorCount),
        messagequeuelimit: Math.max(1000, perHeight * 10),
        futuremessageslimit: Math.max(1000, perHeight * 10),
        gossipedhistorylimit: Math.max(1000, perHeight * 10),
    };
}

/** Serialises a genesis with a fixed layout (2-space indent, trailing newline). */
export function renderGenesisJson(genesis: QbftGenesis): string {
    return `${JSON.stringify(genesis, null, 2)}\n`;
}
