// Governance per chain under Pulumi mocks, with the real program and the dev stack's config plus a third chain
// (whose router is an existing one, so not ours to hand over): one SuiteGovernance per chain, parented to its
// ContractSuite, waiting for every deployment of its chain and for exactly the lanes touching its chain.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { runProgram, stackConfig, TEST_DEPLOYER_KEY, type ProgramRun, type RecordedResource } from "../../devkit/mock-program";
import { CONTRACT_NAMES, loadArtifact } from "../../contracts/artifacts";
import { OWNED_CONTRACTS } from "../../components/contracts-plan";

const EXISTING_ROUTER = "0x80226fc0Ee2b096224EeAc085Bb9a8cba1146f7D";
const CHAINS = ["chain138", "mainnet", "third"] as const;
/** The suite's Ownable2Step contracts (contracts/src: each takes its owner as a constructor argument). */
const OWNABLES = ["CCIPRouter", "CCIPWETH9Bridge", "CCIPWETH10Bridge", "Aggregator", "AggregatorProxy", "OracleWithCCIP"];

let run: ProgramRun;
const isSecret = (v: unknown) =>
    typeof v === "object" && v !== null && (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

before(async () => {
    const devChains = JSON.parse(stackConfig({ stack: "dev" }).config["chain138:chains"]) as Record<string, unknown>;
    const third = { rpcUrl: "http://127.0.0.1:18010", chainId: 10, chainSelector: "3734403246176062136", router: EXISTING_ROUTER };
    run = await runProgram({ stack: "dev", overrides: { chains: { ...devChains, third } }, secrets: { deployerKey: TEST_DEPLOYER_KEY } });
});

const byName = (name: string): RecordedResource => {
    const found = run.resources.find((r) => r.name === name);
    assert.ok(found, `no resource ${name}`);
    return found;
};
const governance = () => run.resources.filter((r) => r.name.endsWith("-governance"));
const deploymentsOf = (chain: string) =>
    run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.name.startsWith(`contracts-${chain}-`) && "contractName" in r.inputs);
const lanes = () => run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.name.endsWith("-lane"));

describe("governance per chain, not per lane (three chains)", () => {
    it("registers one SuiteGovernance per chain, parented to that chain's ContractSuite", () => {
        assert.deepEqual(
            governance()
                .map((r) => r.name)
                .sort(),
            CHAINS.map((c) => `contracts-${c}-governance`),
        );
        for (const chain of CHAINS) {
            const gov = byName(`contracts-${chain}-governance`);
            assert.equal(gov.type, "pulumi-nodejs:dynamic:Resource");
            assert.equal(gov.parent, byName(`contracts-${chain}`).urn, `${chain}: parent`);
            assert.equal(gov.inputs["chainName"], chain);
        }
        assert.equal(lanes().length, 3);
    });

    it("waits for every deployment of its chain and for exactly the two lanes touching it, and for nothing of the other chains", () => {
        for (const chain of CHAINS) {
            const deps = new Set(byName(`contracts-${chain}-governance`).dependencies);
            for (const d of deploymentsOf(chain)) assert.ok(deps.has(d.urn), `${chain} governance does not wait for ${d.name}`);
            const touching = lanes().filter((l) => l.name.split("-").includes(chain));
            assert.equal(touching.length, 2, `${chain} lanes`);
            for (const lane of lanes()) assert.equal(deps.has(lane.urn), touching.includes(lane), `${chain} governance and ${lane.name}`);
            for (const other of CHAINS.filter((c) => c !== chain)) {
                for (const d of deploymentsOf(other)) assert.ok(!deps.has(d.urn), `${chain} governance waits for ${d.name}`);
            }
        }
        for (const lane of lanes()) assert.ok(!lane.dependencies.some((u) => u.endsWith("-governance")), `${lane.name} waits for a governance`);
    });

    it("hands over the chain's owned contracts to the chain's MultiSig (not an existing router), as whoever deployed them", () => {
        const contracts = run.resolved["contracts"] as Record<string, Record<string, string>>;
        for (const chain of CHAINS) {
            const gov = byName(`contracts-${chain}-governance`);
            const expected = OWNABLES.filter((c) => !(chain === "third" && c === "CCIPRouter"));
            assert.deepEqual(
                gov.inputs["owned"],
                expected.map((contract) => ({ contract, address: contracts[chain][contract] })),
                chain,
            );
            assert.equal(gov.inputs["multisig"], contracts[chain]["MultiSig"]);
        }
        assert.equal(contracts["third"]["CCIPRouter"], EXISTING_ROUTER);
    });

    // suite-dev.test.ts checks that no plain input or state of any dynamic resource holds the key.
    it("takes the deployer key and RPC URL only as secrets", () => {
        for (const gov of governance()) {
            assert.ok(isSecret(gov.inputs["deployerKey"]), `${gov.name}: deployerKey`);
            assert.ok(isSecret(gov.inputs["rpcUrl"]), `${gov.name}: rpcUrl`);
            assert.ok(gov.additionalSecretOutputs.includes("rpcUrl"), `${gov.name}: rpcUrl output`);
        }
    });
});

it("OWNED_CONTRACTS is every suite contract with Ownable2Step's owner() and acceptOwnership() in its ABI", () => {
    const hasFunction = (name: (typeof CONTRACT_NAMES)[number], fn: string) =>
        (loadArtifact(name).abi as { type: string; name?: string }[]).some((entry) => entry.type === "function" && entry.name === fn);
    const ownable = CONTRACT_NAMES.filter((name) => hasFunction(name, "owner") && hasFunction(name, "acceptOwnership"));
    assert.deepEqual([...OWNED_CONTRACTS].sort(), [...ownable].sort());
});
