// What verify reads from the stack outputs contract: rollout order, node counts from the pools, contract
// addresses, errors naming the key.
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
        assert.deepEqual([...o.validatorAddresses].sort(), GENESIS_VALIDATORS.map((a) => a.toLowerCase()).sort());
        assert.equal(o.contracts, undefined);
        assert.deepEqual(o.kubeconfigs, {});
    });

    it("takes the contract addresses per chain", () => {
        const o = parseOutputs(fleetOutputsJson(["eastasia"], { contracts: { mainnet: { MultiSig: A, CCIPRouter: B } } }), "t");
        assert.deepEqual(o.contracts, { mainnet: { MultiSig: A, CCIPRouter: B } });
    });

    it("refuses a contract output that is not an address, or a contract the suite does not have", () => {
        assert.throws(
            () => parseOutputs(fleetOutputsJson([], { contracts: { mainnet: { MultiSig: { address: A } } } } as never), "t"),
            /t: .*contracts\.mainnet\.MultiSig: /,
        );
        assert.throws(
            () => parseOutputs({ contracts: { mainnet: { chainSelector: "5009297550715157269" } } }, "t"),
            /t: .*contracts\.mainnet: Unrecognized key: "chainSelector"/,
        );
    });

    it("takes a contracts-only stack (no fleet, no besu output), and names besu when regions need it", () => {
        const o = parseOutputs({ contracts: { mainnet: { MultiSig: A } } }, "dev.json");
        assert.deepEqual(o.regions, []);
        assert.deepEqual(o.contracts, { mainnet: { MultiSig: A } });
        const withoutBesu = { ...fleetOutputsJson(["eastasia"]), besu: undefined };
        assert.throws(() => parseOutputs(withoutBesu, "out.json"), /out\.json: .*besu: /);
    });

    it("names the bad key and never echoes a kubeconfig", () => {
        const fleet = fleetOutputsJson(["eastasia"]);
        assert.throws(
            () => parseOutputs({ ...fleet, besu: { ...fleet.besu, validatorAddresses: ["0x12"] } }, "out.json"),
            /out\.json: .*besu\.validatorAddresses\.0/,
        );
        try {
            parseOutputs({ ...fleet, kubeconfigs: { eastasia: 42, token: "apiVersion: v1 secret" } }, "out.json");
            assert.fail("expected an error");
        } catch (error) {
            assert.match((error as Error).message, /kubeconfigs\.eastasia/);
            assert.ok(!(error as Error).message.includes("secret"));
        }
    });
});
