// QBFT genesis: extraData against Besu's published vectors, round-trips, determinism, validation, predeploys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Transaction, Wallet, getAddress, getCreateAddress } from "ethers";
import {
    buildQbftGenesis,
    CREATE2_PROXY_ADDRESS,
    CREATE2_PROXY_RUNTIME_CODE,
    decodeQbftExtraData,
    encodeQbftExtraData,
    MULTICALL3_ADDRESS,
    QBFT_MIX_HASH,
    renderGenesisJson,
} from "../../components/besu/genesis";
import { multicall3RuntimeCode } from "../support/besu-fixtures";

// Published vectors: the Besu docs' QBFT genesis examples, "Configure QBFT consensus" → "Genesis file"
// (https://besu.hyperledger.org/private-networks/how-to/configure/consensus/qbft, source
// hyperledger/besu-docs docs/private-networks/how-to/configure/consensus/qbft.md):
// tab "Block header validator selection" (4 validators) and tab "Contract validator selection" (none).
const DOCS_VALIDATORS = [
    "64a702e6263b7297a96638cac6ae65e6541f4169",
    "3923390ad55e90c237593b3b0e401f3b08a03185",
    "aefdb9a738c9f433e5b6b212a6d62f6370c2f692",
    "c7eeb9a4e00ce683cf93039b212648e01c6c6b78",
];
const DOCS_EXTRA_DATA =
    "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f4169943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b212648e01c6c6b78c080c0";
const DOCS_CONTRACT_MODE_EXTRA_DATA = "0xe5a00000000000000000000000000000000000000000000000000000000000000000c0c080c0";

const randomAddresses = (n: number): string[] => Array.from({ length: n }, () => Wallet.createRandom().address);
const deployer = Wallet.createRandom().address;

test("extraData matches the Besu docs' 4-validator QBFT vector byte for byte", () => {
    assert.equal(encodeQbftExtraData(DOCS_VALIDATORS), DOCS_EXTRA_DATA);
});

test("extraData matches the Besu docs' contract-mode vector (no validators)", () => {
    assert.equal(encodeQbftExtraData([]), DOCS_CONTRACT_MODE_EXTRA_DATA);
});

test("the docs vector decodes to its validators, round 0 as empty bytes, no votes/seals", () => {
    const d = decodeQbftExtraData(DOCS_EXTRA_DATA);
    assert.equal(d.vanity, `0x${"00".repeat(32)}`);
    assert.deepEqual(
        d.validators,
        DOCS_VALIDATORS.map((a) => getAddress(`0x${a}`)),
    );
    assert.deepEqual(d.votes, []);
    assert.equal(d.round, "0x");
    assert.deepEqual(d.seals, []);
});

test("48-validator extraData round-trips", () => {
    const validators = randomAddresses(48);
    const decoded = decodeQbftExtraData(encodeQbftExtraData(validators));
    assert.deepEqual(decoded.validators, validators);
    assert.equal(new Set(decoded.validators).size, 48);
});

test("genesis for 48 validators: sorted distinct validators, QBFT header fields, forks", () => {
    const validators = randomAddresses(48);
    const g = buildQbftGenesis({ chainId: 138, validators, deployerAddress: deployer, multicall3RuntimeCode: multicall3RuntimeCode() });
    const decoded = decodeQbftExtraData(g.extraData);
    assert.equal(decoded.validators.length, 48);
    assert.equal(new Set(decoded.validators).size, 48);
    const sorted = [...validators].map((a) => a.toLowerCase()).sort();
    assert.deepEqual(
        decoded.validators.map((a) => a.toLowerCase()),
        sorted,
    );
    assert.equal(g.mixHash, QBFT_MIX_HASH);
    assert.equal(g.difficulty, "0x1");
    assert.equal(g.config["chainId"], 138);
    assert.deepEqual(
        Object.fromEntries(["blockperiodseconds", "epochlength", "requesttimeoutseconds"].map((k) => [k, (g.config["qbft"] as Record<string, number>)[k]])),
        { blockperiodseconds: 2, epochlength: 30000, requesttimeoutseconds: 10 },
    );
    assert.equal(g.config["londonBlock"], 0);
    assert.equal(g.config["berlinBlock"], 0);
    assert.equal(g.config["shanghaiTime"], 0);
    assert.equal(BigInt(g.gasLimit), 30_000_000n);
    assert.equal(BigInt(g.baseFeePerGas), 1_000_000_000n);
    // Alloc: deployer funded, both predeploys with code, keys without 0x in sorted order.
    const keys = Object.keys(g.alloc);
    assert.deepEqual(keys, [...keys].sort());
    assert.equal(BigInt(g.alloc[deployer.slice(2).toLowerCase()].balance), 10n ** 24n);
    assert.equal(g.alloc[CREATE2_PROXY_ADDRESS.slice(2)].code, CREATE2_PROXY_RUNTIME_CODE);
    assert.equal(g.alloc[MULTICALL3_ADDRESS.slice(2)].code, multicall3RuntimeCode().toLowerCase());
    assert.equal(getAddress(MULTICALL3_ADDRESS), "0xcA11bde05977b3631167028862bE2a173976CA11");
});

test("genesis bytes are deterministic: input order and address case do not matter", () => {
    const validators = randomAddresses(48);
    const shuffled = [...validators].reverse().map((a, i) => (i % 2 ? a.toLowerCase() : a));
    const a = renderGenesisJson(buildQbftGenesis({ chainId: 138, validators, deployerAddress: deployer, multicall3RuntimeCode: multicall3RuntimeCode() }));
    const b = renderGenesisJson(
        buildQbftGenesis({ chainId: 138, validators: shuffled, deployerAddress: deployer.toLowerCase(), multicall3RuntimeCode: multicall3RuntimeCode() }),
    );
    assert.equal(createHash("sha256").update(a).digest("hex"), createHash("sha256").update(b).digest("hex"));
    // Top-level key order is fixed (config first, alloc last).
    const parsed = JSON.parse(a) as Record<string, unknown>;
    assert.equal(Object.keys(parsed)[0], "config");
    assert.equal(Object.keys(parsed).at(-1), "alloc");
});

test("bad inputs fail with errors naming the culprit", () => {
    const code = multicall3RuntimeCode();
    const v = randomAddresses(4);
    const base = { chainId: 138, validators: v, deployerAddress: deployer, multicall3RuntimeCode: code };
    assert.throws(() => buildQbftGenesis({ ...base, validators: [] }), /validators: a QBFT genesis needs at least one validator/);
    assert.throws(() => buildQbftGenesis({ ...base, validators: [...v, v[2].toLowerCase()] }), /validators\[4\] duplicates validators\[2\]/);
    assert.throws(() => buildQbftGenesis({ ...base, validators: [...v, "0x1234"] }), /validators\[4\] is not a 20-byte hex address/);
    const badChecksum =
        v[0].slice(0, 2) +
        v[0]
            .slice(2)
            .split("")
            .map((c) => (/[a-f]/.test(c) ? c.toUpperCase() : /[A-F]/.test(c) ? c.toLowerCase() : c))
            .join("");
    if (badChecksum !== v[0] && /[a-fA-F]/.test(v[0].slice(2))) {
        assert.throws(() => buildQbftGenesis({ ...base, validators: [badChecksum, ...v.slice(1)] }), /validators\[0\] has an invalid EIP-55 checksum/);
    }
    assert.throws(() => buildQbftGenesis({ ...base, deployerAddress: "nope" }), /deployerAddress\[0\] is not a 20-byte hex address/);
    assert.throws(() => buildQbftGenesis({ ...base, deployerAddress: CREATE2_PROXY_ADDRESS }), /collides with a predeploy/);
    assert.throws(() => buildQbftGenesis({ ...base, multicall3RuntimeCode: "0x6001" }), /aggregate3/);
    assert.throws(() => buildQbftGenesis({ ...base, multicall3RuntimeCode: "6001" }), /multicall3RuntimeCode must be/);
    assert.throws(() => buildQbftGenesis({ ...base, chainId: 0 }), /chainId must be a positive integer/);
    assert.throws(() => buildQbftGenesis({ ...base, qbft: { blockPeriodSeconds: 0 } }), /qbft.blockPeriodSeconds/);
});

test("the CREATE2 proxy predeploy is what the well-known presigned deployment leaves at its address", () => {
    // Nick's-method deployment of Arachnid's deterministic-deployment-proxy (r = s = 0x22…22, v = 27):
    // the transaction every chain without the proxy uses; its init code returns the runtime code.
    const raw =
        "0xf8a58085174876e800830186a08080b853604580600e600039806000f350fe7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf31ba02222222222222222222222222222222222222222222222222222222222222222a02222222222222222222222222222222222222222222222222222222222222222";
    const tx = Transaction.from(raw);
    assert.ok(tx.from, "signature recovers a sender");
    assert.equal(getCreateAddress({ from: tx.from, nonce: tx.nonce }).toLowerCase(), CREATE2_PROXY_ADDRESS);
    // Init code: PUSH1 0x45 DUP1 PUSH1 0x0e PUSH1 0 CODECOPY DUP1 PUSH1 0 RETURN … → returns 0x45 bytes at 0x0e.
    const init = tx.data.slice(2);
    assert.equal(init.slice(0, 10), "604580600e");
    const len = parseInt(init.slice(2, 4), 16);
    const offset = parseInt(init.slice(8, 10), 16);
    assert.equal(`0x${init.slice(offset * 2, (offset + len) * 2)}`, CREATE2_PROXY_RUNTIME_CODE);
});

// besu-docs, QBFT "optional configuration options": duplicatemessagelimit "two to three times the number of
// validators is usually enough"; Besu's defaults are sized for "a typical 20 node validator network".
test("at 48 validators the QBFT message limits grow past Besu's 20-validator defaults", () => {
    const validators = Array.from({ length: 48 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);
    const g = buildQbftGenesis({ chainId: 138, validators, deployerAddress: `0x${"d".repeat(40)}`, multicall3RuntimeCode: multicall3RuntimeCode() });
    const qbft = g.config["qbft"] as Record<string, number>;
    assert.ok(qbft["duplicatemessagelimit"] >= 2 * 48 && qbft["duplicatemessagelimit"] <= 3 * 48);
    for (const [key, besuDefault] of Object.entries({ messagequeuelimit: 1000, futuremessageslimit: 1000, gossipedhistorylimit: 1000 })) {
        assert.ok(qbft[key] > besuDefault * (48 / 20) * 0.5 && qbft[key] >= besuDefault, `${key} ${qbft[key]}`);
    }
});

test("at 4 validators Besu's default QBFT message limits stay", () => {
    const validators = Array.from({ length: 4 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);
    const qbft = buildQbftGenesis({ chainId: 138, validators, deployerAddress: `0x${"d".repeat(40)}`, multicall3RuntimeCode: multicall3RuntimeCode() }).config[
        "qbft"
    ] as Record<string, number>;
    assert.deepEqual(
        [qbft["duplicatemessagelimit"], qbft["messagequeuelimit"], qbft["futuremessageslimit"], qbft["gossipedhistorylimit"]],
        [100, 1000, 1000, 1000],
    );
});
