// The CCIP relayer in prod: a Deployment in the admin region's cluster whose config file the real relayer
// accepts, whose key, tokens and RPC URLs travel only in a secret, which holds no attester key, and which is refused
// when misconfigured. Its attesters: two Deployments in two validator regions' clusters (each key in its own Secret)
// and one operator-run endpoint.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { Wallet, id } from "ethers";
import { parseConfig } from "../../relayer/config";
import { RELAYER_NAMESPACE, attesterTokenEnvName, rpcUrlEnvName } from "../../components/relayer";
import { runFailingProgram, runProgram, TEST_DEPLOYER_KEY, type ProgramRun } from "../../devkit/mock-program";
import { isBlocking, runPack, toPolicySpecs } from "../support/policy-program";
import { validateStack } from "../support/policy-harness";
import { attesterKeysSpread } from "../../policy/policies/attester-keys-spread";
import { parseAttesterConfig } from "../../attester/config";

const attesterKeys = ["attester-a", "attester-b", "attester-c"].map((label) => id(label));
const relayerKey = id("relayer");
const attesters = attesterKeys.map((key) => new Wallet(key).address);
const chains = {
    mainnet: { rpcUrl: "https://eth.example.org/v2/S3CRETPATH", chainId: 1, chainSelector: "5009297550715157269", confirmations: 12 },
    chain138: { rpcUrl: "https://rpc.chain138.example.org", chainId: 138, chainSelector: "138" },
};
const ccip = { attesters, threshold: 2, fee: { baseFee: "10000", feePerByte: "10", feePerGas: "1" } };
const relayer = { image: "chain138acr.azurecr.io/chain138-relayer:1.0.0", relayerKey };
const ATTESTER_IMAGE = "chain138acr.azurecr.io/chain138-attester:1.0.0";
const tokens = { alpha: "a".repeat(40), beta: "b".repeat(40), gamma: "c".repeat(40) };
const attesterServices: Record<string, unknown> = {
    alpha: {
        region: "uksouth",
        key: attesterKeys[0],
        token: tokens.alpha,
        image: ATTESTER_IMAGE,
        rpcUrls: { mainnet: "https://alpha-eth.example.org/v2/ALPHAPATH" },
    },
    beta: { region: "northeurope", key: attesterKeys[1], token: tokens.beta, image: ATTESTER_IMAGE },
    gamma: { url: "https://attester.operator.example", address: attesters[2], token: tokens.gamma },
};
const withRelayer = (over: Record<string, unknown> = {}, services: Record<string, unknown> = attesterServices) => ({
    stack: "prod",
    overrides: { ccip },
    secrets: {
        deployerKey: TEST_DEPLOYER_KEY,
        relayer: JSON.stringify({ ...relayer, ...over }),
        attesters: JSON.stringify(services),
        chains: JSON.stringify(chains),
    },
});

/** One run of the prod program with relayer and attesters, shared by the tests that only read it (each takes minutes). */
let shared: Promise<ProgramRun> | undefined;
const prodRun = (): Promise<ProgramRun> => (shared ??= runProgram(withRelayer()));

describe("relayer in the prod stack", () => {
    let run: ProgramRun;
    before(async () => {
        run = await prodRun();
    });
    const inNamespace = () =>
        run.resources.filter(
            (r) =>
                r.type.startsWith("kubernetes:") &&
                (r.inputs["metadata"] as { namespace?: string; name?: string } | undefined)?.namespace === RELAYER_NAMESPACE,
        );

    it("runs one pod of the configured image in the admin cluster, through the admin cluster's provider", () => {
        const component = run.resources.find((r) => r.type === "chain138:index:CcipRelayer");
        assert.ok(component);
        const deployment = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.parent === component.urn);
        assert.ok(deployment);
        const spec = deployment.inputs["spec"] as {
            replicas: number;
            strategy: { type: string };
            template: { spec: { containers: { image: string }[]; nodeSelector: Record<string, string> } };
        };
        assert.equal(spec.replicas, 1);
        assert.equal(spec.strategy.type, "Recreate");
        assert.equal(spec.template.spec.containers[0].image, relayer.image);
        // Pinned to a pool of the admin cluster that takes ordinary workloads (no taints).
        const adminCluster = run.resources.find((r) => r.type === "azure-native:containerservice:ManagedCluster" && r.inputs["location"] === "westeurope")!;
        const pools = adminCluster.inputs["agentPoolProfiles"] as { nodeLabels?: Record<string, string>; nodeTaints?: string[] }[];
        const selector = Object.entries(spec.template.spec.nodeSelector);
        const hosts = pools.filter((pool) => selector.every(([k, v]) => pool.nodeLabels?.[k] === v) && (pool.nodeTaints ?? []).length === 0);
        assert.equal(hosts.length, 1, `nodeSelector ${JSON.stringify(spec.template.spec.nodeSelector)} matches one untainted admin pool`);
        const adminProvider = run.resources.find((r) => r.type === "pulumi:providers:kubernetes" && r.name.includes("westeurope"));
        assert.ok(adminProvider, "the admin cluster has a Kubernetes provider");
        const children = run.resources.filter((r) => r.parent === component.urn);
        assert.deepEqual(children.map((r) => r.type).sort(), [
            "kubernetes:apps/v1:Deployment",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:Namespace",
            "kubernetes:core/v1:PersistentVolumeClaim",
            "kubernetes:core/v1:Secret",
        ]);
        for (const child of children) assert.ok(child.provider.startsWith(`${adminProvider.urn}::`), `${child.name} goes to ${child.provider}`);
        assert.equal(inNamespace().length, 4);
    });

    it("writes a config the relayer accepts, with the deployed routers and no key or URL in it", () => {
        const configMap = inNamespace().find((r) => r.type === "kubernetes:core/v1:ConfigMap")!;
        const text = (configMap.inputs["data"] as Record<string, string>)["relayer.json"];
        for (const secret of [relayerKey, ...attesterKeys, ...Object.values(tokens), chains.mainnet.rpcUrl, "S3CRETPATH"])
            assert.ok(!text.includes(secret.slice(2)), "the ConfigMap leaks a secret");
        const env = {
            RELAYER_KEY: relayerKey,
            [rpcUrlEnvName("mainnet")]: chains.mainnet.rpcUrl,
            [rpcUrlEnvName("chain138")]: chains.chain138.rpcUrl,
            ...Object.fromEntries(Object.entries(tokens).map(([name, token]) => [attesterTokenEnvName(name), token])),
        };
        const options = parseConfig(text, "relayer.json", env);
        assert.equal(options.attesterKeys, undefined, "the relayer reads no attester key");
        // Deployed attesters at .5 of their region's internal-lb /28 (the RPC endpoint is .4), the operator's at its URL.
        const ilb = (region: string): string => {
            const service = run.resources.find((r) => r.type === "kubernetes:core/v1:Service" && r.name === `ccip-attester-${region}-service`)!;
            return (service.inputs["metadata"] as { annotations: Record<string, string> }).annotations["service.beta.kubernetes.io/azure-load-balancer-ipv4"];
        };
        assert.deepEqual(
            options.attesters?.map((a) => [a.address, a.url, a.token]),
            [
                [attesters[0], `http://${ilb("alpha")}:8547`, tokens.alpha],
                [attesters[1], `http://${ilb("beta")}:8547`, tokens.beta],
                [attesters[2], "https://attester.operator.example", tokens.gamma],
            ],
        );
        const contracts = run.resolved["contracts"] as Record<string, Record<string, string>>;
        assert.deepEqual(
            options.chains.map((c) => [c.name, c.routerAddress, String(c.chainSelector), c.rpcUrl]),
            [
                ["chain138", contracts["chain138"]["CCIPRouter"], "138", chains.chain138.rpcUrl],
                ["mainnet", contracts["mainnet"]["CCIPRouter"], "5009297550715157269", chains.mainnet.rpcUrl],
            ],
        );
        assert.equal(options.chains.find((c) => c.name === "mainnet")!.confirmations, 12);
        for (const chain of options.chains) {
            const router = run.resources.find((r) => r.name === `contracts-${chain.name}-CCIPRouter`)!;
            assert.equal(chain.startBlock, router.state["blockNumber"], `${chain.name}: scanning starts at the router's block`);
        }
        assert.equal(options.relayerKey, relayerKey);
    });

    it("hands keys and RPC URLs to the pod only through a secret", () => {
        const secret = inNamespace().find((r) => r.type === "kubernetes:core/v1:Secret")!;
        assert.deepEqual(secret.secretInputs, ["stringData"]);
        // Under mocks a secret input keeps the SDK's wrapper: { <sig>: <secret sig>, value }.
        const data = (secret.inputs["stringData"] as { value: Record<string, string> }).value;
        assert.deepEqual(
            Object.keys(data).sort(),
            ["RELAYER_KEY", rpcUrlEnvName("chain138"), rpcUrlEnvName("mainnet"), ...Object.keys(tokens).map(attesterTokenEnvName)].sort(),
        );
        for (const key of attesterKeys) assert.ok(!JSON.stringify(data).includes(key.slice(2)), "an attester key in the relayer's Secret");
        const attesterSecrets = run.resources.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.name.startsWith("ccip-attester-"));
        const others = JSON.stringify(run.resources.filter((r) => r !== secret && !attesterSecrets.includes(r)).map((r) => r.inputs));
        assert.ok(!others.includes(relayerKey.slice(2)) && !others.includes(attesterKeys[0].slice(2)), "a key outside the Secrets");
    });
});

describe("attesters in the prod stack", () => {
    let run: ProgramRun;
    before(async () => {
        run = await prodRun();
    });

    it("runs each deployed attester in its own region's cluster with its own key alone in its Secret", () => {
        const regionProviders = new Map(run.resources.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => [r.urn, r.name] as const));
        for (const [name, region, key] of [
            ["alpha", "uksouth", attesterKeys[0]],
            ["beta", "northeurope", attesterKeys[1]],
        ] as const) {
            const component = run.resources.find((r) => r.type === "chain138:index:CcipAttester" && r.name === `ccip-attester-${name}`);
            assert.ok(component, name);
            const children = run.resources.filter((r) => r.parent === component.urn);
            for (const child of children) {
                const provider = regionProviders.get(child.provider.slice(0, child.provider.lastIndexOf("::")));
                assert.equal(provider, `region-${region}-k8s`, `${child.name} goes to ${region}'s cluster`);
            }
            const secret = children.find((r) => r.type === "kubernetes:core/v1:Secret")!;
            assert.deepEqual(secret.secretInputs, ["stringData"]);
            const data = (secret.inputs["stringData"] as { value: Record<string, string> }).value;
            assert.equal(data["ATTESTER_KEY"], key);
            for (const other of attesterKeys.filter((k) => k !== key)) assert.ok(!JSON.stringify(data).includes(other.slice(2)), "another attester's key");
            // Its config is one the attester accepts; its own RPC: alpha's own mainnet URL, the region's own Besu for chain 138.
            const configMap = children.find((r) => r.type === "kubernetes:core/v1:ConfigMap")!;
            const text = (configMap.inputs["data"] as Record<string, string>)["attester.json"];
            const options = parseAttesterConfig(text, "attester.json", data);
            assert.equal(options.attesterKey, key);
            const own = options.chains.find((c) => c.name === "mainnet")!.rpcUrl;
            assert.equal(own, name === "alpha" ? "https://alpha-eth.example.org/v2/ALPHAPATH" : chains.mainnet.rpcUrl);
            assert.ok(!text.includes("ALPHAPATH") && !text.includes(key.slice(2)), "a secret in the ConfigMap");
            // Internal LB admitting only the hub's node subnet, and the region's NSG opening the attester port to it.
            const service = children.find((r) => r.type === "kubernetes:core/v1:Service")!;
            const spec = service.inputs["spec"] as { type: string; loadBalancerSourceRanges: string[] };
            assert.equal(spec.type, "LoadBalancer");
            const annotations = (service.inputs["metadata"] as { annotations: Record<string, string> }).annotations;
            assert.equal(annotations["service.beta.kubernetes.io/azure-load-balancer-internal"], "true");
            const nsg = run.resources.find((r) => r.type === "azure-native:network:NetworkSecurityGroup" && r.inputs["location"] === region)!;
            const rules = nsg.inputs["securityRules"] as { name: string; destinationPortRange: string; sourceAddressPrefix?: string }[];
            const rule = rules.find((x) => x.name === "allow-attester-from-hub");
            assert.ok(rule !== undefined && rule.destinationPortRange === "8547", `${region}: NSG rule for the attester port`);
            assert.deepEqual(spec.loadBalancerSourceRanges, [rule.sourceAddressPrefix]);
        }
        // Regions without an attester keep their NSG closed to it.
        const closed = run.resources.find((r) => r.type === "azure-native:network:NetworkSecurityGroup" && r.inputs["location"] === "ukwest")!;
        assert.ok(!(closed.inputs["securityRules"] as { name: string }[]).some((x) => x.name === "allow-attester-from-hub"));
    });
});

describe("relayer and the policy pack", () => {
    it("the relayer in the admin region is no Besu workload: the pack passes the stack with it and its attesters", async () => {
        const run = await prodRun();
        assert.ok(run.resources.some((r) => r.type === "chain138:index:CcipRelayer"));
        assert.equal(run.resources.filter((r) => r.type === "chain138:index:CcipAttester").length, 2);
        const specs = toPolicySpecs(run.resources);
        const findings = await runPack(specs);
        assert.deepEqual(findings.filter(isBlocking), []);
        // The same program with a second attester key slipped into alpha's Secret: the pack finds the lane's
        // threshold on the program's CcipLane and refuses the Secret and its cluster.
        const alpha = specs.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "ccip-attester-alpha-key")!;
        const stuffed = { ...alpha, props: { ...alpha.props, stringData: { ATTESTER_KEY: attesterKeys[0], EXTRA: attesterKeys[1] } } };
        const refused = await validateStack(attesterKeysSpread, [...specs.filter((r) => r !== alpha), stuffed]);
        assert.deepEqual(
            refused.map((v) => v.message.split(":")[0]),
            ["ccip-attester-alpha-key", "cluster region-uksouth-k8s"],
            JSON.stringify(refused),
        );
    });
});

describe("relayer config is refused before any resource, naming the culprit", () => {
    it("an attester key whose address the lanes do not accept, without echoing the key", async () => {
        const stranger = id("stranger");
        const { error, resources } = await runFailingProgram(
            withRelayer({}, { ...attesterServices, beta: { region: "northeurope", key: stranger, token: tokens.beta, image: ATTESTER_IMAGE } }),
        );
        assert.equal(resources.length, 0);
        assert.match(
            error.message,
            new RegExp(`chain138:attesters.beta: its address ${new Wallet(stranger).address.toLowerCase()} is not in chain138:ccip.attesters`),
        );
        assert.ok(!error.message.includes(stranger.slice(2)));
    });

    it("attester keys in the relayer, in the admin region, or a threshold of them in one region", async () => {
        const inRelayer = await runFailingProgram(withRelayer({ attesterKeys: attesterKeys.slice(0, 2) }));
        assert.match(inRelayer.error.message, /chain138:relayer.attesterKeys: the relayer holds no attester key/);
        assert.ok(!inRelayer.error.message.includes(attesterKeys[0].slice(2)));
        const admin = await runFailingProgram(
            withRelayer({}, { ...attesterServices, beta: { region: "westeurope", key: attesterKeys[1], token: tokens.beta, image: ATTESTER_IMAGE } }),
        );
        assert.match(admin.error.message, /chain138:attesters.beta.region: westeurope is the admin region, where the relayer runs/);
        const together = await runFailingProgram(
            withRelayer({}, { ...attesterServices, beta: { region: "uksouth", key: attesterKeys[1], token: tokens.beta, image: ATTESTER_IMAGE } }),
        );
        assert.match(
            together.error.message,
            /chain138:attesters: region uksouth would hold 2 attester keys \(alpha, beta\), a threshold \(2\) of chain138:ccip: one cluster could sign alone/,
        );
        const few = await runFailingProgram(withRelayer({}, { alpha: attesterServices["alpha"] }));
        assert.match(few.error.message, /chain138:relayer: 1 attester service\(s\) in chain138:attesters cannot reach chain138:ccip.threshold 2/);
    });

    it("keys stored in plain text", async () => {
        const { error } = await runFailingProgram({
            stack: "prod",
            overrides: { ccip, relayer },
            secrets: { deployerKey: TEST_DEPLOYER_KEY, chains: JSON.stringify(chains) },
        });
        assert.match(error.message, /chain138:relayer holds the relayer's private key but is stored in plain text/);
        assert.ok(!error.message.includes(relayerKey.slice(2)));
    });

    it("a stack without a fleet to host it", async () => {
        const { error } = await runFailingProgram({ ...withRelayer(), stack: "dev" });
        assert.match(error.message, /chain138:relayer is set but chain138:regions is empty/);
    });
});
