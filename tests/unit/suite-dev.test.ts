// The dev stack's contract graph under Pulumi mocks: a ContractSuite per chain, a CcipWiring between
// them, dependencies only where constructors need them, and the deployer key secret everywhere.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { computeAddress } from "ethers";
import { runProgram, TEST_DEPLOYER_KEY, type ProgramRun, type RecordedResource } from "../../devkit/mock-program";
import { loadArtifact, CONTRACT_NAMES } from "../../contracts/artifacts";
import { constructorTypes, initCodeOf, predictAddress } from "../../contracts/providers/create2";
import { saltOf } from "../../components/contracts-plan";

let run: ProgramRun;
const KEY_HEX = TEST_DEPLOYER_KEY.slice(2).toLowerCase();
const isSecret = (v: unknown) =>
    typeof v === "object" && v !== null && (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

/** The value with every secret-wrapped part replaced: what would be visible in plain text. */
function plainParts(value: unknown): unknown {
    if (isSecret(value)) return "<secret>";
    if (Array.isArray(value)) return value.map(plainParts);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainParts(v)]));
    return value;
}

before(async () => {
    run = await runProgram({ stack: "dev", secrets: { deployerKey: TEST_DEPLOYER_KEY } });
});

const deployments = () => run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource" && "contractName" in r.inputs);
const deployment = (chain: string, contract: string): RecordedResource => {
    const found = deployments().find((r) => r.name === `contracts-${chain}-${contract}`);
    assert.ok(found, `no deployment contracts-${chain}-${contract}`);
    return found;
};

describe("dev stack contracts under mocks", () => {
    it("registers a ContractSuite per chain and one CcipWiring, and nothing from Azure or Kubernetes", () => {
        assert.deepEqual(
            run.resources
                .filter((r) => r.type === "chain138:index:ContractSuite")
                .map((r) => r.name)
                .sort(),
            ["contracts-chain138", "contracts-mainnet"],
        );
        assert.deepEqual(
            run.resources.filter((r) => r.type === "chain138:index:CcipWiring").map((r) => r.name),
            ["ccip-chain138-mainnet"],
        );
        assert.equal(deployments().length, 2 * CONTRACT_NAMES.length);
        assert.deepEqual(
            run.resources.filter((r) => /^(azure-native|kubernetes|pulumi:providers:(azure|kube))/.test(r.type)),
            [],
        );
        const suiteUrn = run.resources.find((r) => r.name === "contracts-mainnet")!.urn;
        assert.equal(deployment("mainnet", "WETH9").parent, suiteUrn);
    });

    it("depends only where constructors need an address: receivers on the router, the lane on both chains", () => {
        const urnOf = (chain: string, contract: string) => deployment(chain, contract).urn;
        for (const chain of ["mainnet", "chain138"]) {
            for (const first of ["Multicall3", "WETH9", "WETH10", "CCIPRouter", "Aggregator", "AggregatorProxy", "MultiSig"]) {
                const deps = deployment(chain, first).dependencies.filter((u) => u.includes("dynamic:Resource"));
                assert.deepEqual(deps, [], `${chain} ${first} waits for ${deps.join(", ")}: it belongs in the first block`);
            }
            assert.deepEqual(new Set(deployment(chain, "CCIPWETH9Bridge").dependencies), new Set([urnOf(chain, "CCIPRouter"), urnOf(chain, "WETH9")]));
            assert.deepEqual(new Set(deployment(chain, "CCIPWETH10Bridge").dependencies), new Set([urnOf(chain, "CCIPRouter"), urnOf(chain, "WETH10")]));
            assert.deepEqual(deployment(chain, "OracleWithCCIP").dependencies, [urnOf(chain, "CCIPRouter")]);
        }
        const other = { mainnet: "chain138", chain138: "mainnet" } as const;
        for (const r of deployments()) {
            const chain = r.inputs["chainName"] as "mainnet" | "chain138";
            assert.ok(!r.dependencies.some((u) => u.includes(`contracts-${other[chain]}`)), `${r.name} waits for ${other[chain]}`);
        }
        const lane = run.resources.find((r) => r.name === "ccip-chain138-mainnet-lane");
        assert.ok(lane);
        const wired = ["CCIPRouter", "MultiSig", "WETH9", "CCIPWETH9Bridge", "CCIPWETH10Bridge", "OracleWithCCIP"];
        for (const chain of ["mainnet", "chain138"])
            for (const c of wired) assert.ok(lane.dependencies.includes(urnOf(chain, c)), `lane does not wait for ${chain} ${c}`);
    });

    it("outputs every address per chain, at its CREATE2 prediction", () => {
        const contracts = run.resolved["contracts"] as Record<string, Record<string, string>>;
        assert.deepEqual(Object.keys(contracts).sort(), ["chain138", "mainnet"]);
        for (const chain of ["mainnet", "chain138"]) assert.deepEqual(Object.keys(contracts[chain]).sort(), [...CONTRACT_NAMES].sort());
        const weth = loadArtifact("WETH9");
        const expected = predictAddress(saltOf("chain138/v1", "WETH9"), initCodeOf(weth.bytecode, constructorTypes(weth.abi as unknown[]), []));
        assert.equal(contracts["mainnet"]["WETH9"], expected);
        assert.equal(contracts["chain138"]["WETH9"], expected, "same salt + init code: same address on both chains");
        assert.notEqual(contracts["mainnet"]["CCIPRouter"], contracts["chain138"]["CCIPRouter"], "routers differ by their selector argument");
        const proxyArgs = deployment("chain138", "AggregatorProxy").inputs["constructorArgs"] as string[];
        assert.deepEqual(proxyArgs, [computeAddress(TEST_DEPLOYER_KEY), contracts["chain138"]["Aggregator"]]);
    });

    it("keeps the deployer key and RPC URLs secret in every input and out of every plain value", () => {
        const dynamic = run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource");
        // Per chain every contract and a SuiteGovernance, plus the lane.
        assert.equal(dynamic.length, 2 * (CONTRACT_NAMES.length + 1) + 1);
        for (const r of dynamic) {
            assert.ok(isSecret(r.inputs["deployerKey"]), `${r.name}: deployerKey is not a secret input`);
            assert.ok(isSecret(r.inputs["rpcUrl"] ?? r.inputs["rpcUrls"]), `${r.name}: RPC URL is not a secret input`);
            assert.ok(!JSON.stringify(plainParts(r.inputs)).toLowerCase().includes(KEY_HEX), `${r.name}: key in a plain input`);
            assert.ok(!JSON.stringify(plainParts(r.state)).toLowerCase().includes(KEY_HEX), `${r.name}: key in plain state`);
            assert.ok(!String(r.inputs["__provider"]).toLowerCase().includes(KEY_HEX), `${r.name}: key in the serialised provider`);
            assert.ok(!String(r.inputs["__provider"]).includes("127.0.0.1:18545"), `${r.name}: RPC URL in the serialised provider`);
        }
        assert.ok(!JSON.stringify(run.resolved).toLowerCase().includes(KEY_HEX), "key in stack outputs");
        assert.ok(!run.secretOutputs.includes("contracts"), "addresses are plain outputs");
    });
});
