// Reading the stack outputs: fleetOutputs' shape, node counts from the pools, the contract outputs that are
// still being added (absent, plain addresses or `{ address }`), chain RPC spellings, errors naming the key.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseOutputs } from "../../ops/verify/outputs";
import { fleetOutputsJson, GENESIS_VALIDATORS } from "../support/ops-fleet-fixture";

const A = "0x1111111111111111111111111111111111111111";
const B = "0x2222222222222222222222222222222222222222";

describe("verify outputs", () => {
    it("reads regions in rollout order, node counts from the pools, the genesis validators lower-cased", () => {
        const o = parseOutputs(fleetOutputsJson(["japaneast", "eastasia"]), "t");
        assert.deepEqual(o.regions, ["japaneast", "eastasia"]);
        assert.deepEqual(o.nodeCounts.eastasia, { validators: 2, sentries: 1 });
        assert.deepEqual(o.validatorAddresses, GENESIS_VALIDATORS.map((a) => a.toLowerCase()));
        assert.equal(o.contracts, undefined);
        assert.deepEqual(o.kubeconfigs, {});
    });

    it("takes contract addresses as strings or { address }, ignores non-address entries, reads chain RPC spellings", () => {
        const o = parseOutputs(
            fleetOutputsJson([], {
                contracts: { mainnet: { MultiSig: A, CCIPRouter: { address: B, txHash: "0xabc" }, chainSelector: "5009297550715157269" } },
                chains: { mainnet: { rpcUrl: "http://127.0.0.1:1" }, chain138: "http://127.0.0.1:2", sepolia: { url: "http://127.0.0.1:3" } },
            }),
            "t",
        );
        assert.deepEqual(o.contracts, { mainnet: { MultiSig: A, CCIPRouter: B } });
        assert.deepEqual(o.chainRpc, { mainnet: "http://127.0.0.1:1", chain138: "http://127.0.0.1:2", sepolia: "http://127.0.0.1:3" });
    });

    it("takes a contracts-only stack (no fleet, no besu output), and names besu when regions need it", () => {
        const o = parseOutputs({ contracts: { mainnet: { MultiSig: A } } }, "dev.json");
        assert.deepEqual(o.regions, []);
        assert.deepEqual(o.contracts, { mainnet: { MultiSig: A } });
        assert.throws(() => parseOutputs({ regions: { eastasia: {} } }, "out.json"), /out\.json: .*besu: missing, but regions eastasia are deployed/);
    });

    it("names the bad key and never echoes a kubeconfig", () => {
        assert.throws(() => parseOutputs({ besu: { chainId: 138, validatorAddresses: ["0x12"] } }, "out.json"), /out\.json: .*besu\.validatorAddresses\.0/);
        try {
            parseOutputs({ besu: { chainId: 138, validatorAddresses: [A] }, kubeconfigs: { eastasia: 42, token: "apiVersion: v1 secret" } }, "out.json");
            assert.fail("expected an error");
        } catch (error) {
            assert.match((error as Error).message, /kubeconfigs\.eastasia/);
            assert.ok(!(error as Error).message.includes("secret"));
        }
    });
});
