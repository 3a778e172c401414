// BesuNetwork under Pulumi mocks: 24 regions x 2 validators (+1 sentry each), keys from the real provider written into
// in-memory vaults (devkit/memory-key-vault.ts), read back here from the vault each node names.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Wallet } from "ethers";
import { installBesuMocks, TEST_KEY_CUSTODY, valueOf, type MockedResource } from "../support/besu-mocks";
import { memoryVaults } from "../../devkit/memory-key-vault";
import { FLEET_REGIONS, multicall3RuntimeCode } from "../support/besu-fixtures";
import { BesuNetwork, planFleet, type BesuRegionSpec } from "../../components/besu/network";
import { besuPublicIps } from "../../components/besu/public-ips";
import { decodeQbftExtraData } from "../../components/besu/genesis";
import { deriveNodeIdentity, parseEnodeUrl } from "../../components/besu/keys";

const seen: MockedResource[] = installBesuMocks();
const ZONED = new Set(["eastus", "westus2", "northeurope", "japaneast"]);
const regions: BesuRegionSpec[] = FLEET_REGIONS.map((region) => ({
    region,
    validatorCount: 2,
    sentryCount: 1,
    zones: ZONED.has(region) ? ["1", "2", "3"] : [],
}));
const deployer = Wallet.createRandom().address;

let net: BesuNetwork;
interface Resolved {
    name: string;
    region: string;
    role: string;
    address: string;
    enode: string;
    ip: string;
    /** Read from the vault the node's region names (never from the program). */
    privateKey: string;
    vault: string;
    staticNodes: string[];
}
let nodes: Resolved[];
let genesis: string;
let allowlist: string[];
let cidrs: string[];
let enodeUrls: Record<string, string>;
let validatorAddresses: string[];

before(async () => {
    net = new BesuNetwork("chain138", {
        chainId: 138,
        deployerAddress: deployer,
        multicall3RuntimeCode: multicall3RuntimeCode(),
        regions,
        tags: { env: "test" },
        keyCustody: TEST_KEY_CUSTODY,
    });
    nodes = [];
    for (const region of FLEET_REGIONS) {
        const r = net.regionInputs(region);
        const vault = `https://${await valueOf(r.keyVault!.name)}.vault.azure.net/`;
        for (const n of [...r.validators, ...r.sentries]) {
            const secretName = await valueOf(n.keySecretName!);
            const privateKey = memoryVaults.get(vault)?.get(secretName);
            assert.ok(privateKey, `${n.name}'s key is not in its region's vault`);
            nodes.push({
                name: n.name,
                region,
                role: n.role,
                address: await valueOf(n.address),
                enode: await valueOf(n.enodeUrl),
                ip: await valueOf(n.publicIp),
                privateKey,
                vault,
                staticNodes: await valueOf(n.staticNodes),
            });
        }
    }
    genesis = await valueOf(net.genesisJson);
    allowlist = await valueOf(net.nodesAllowlist);
    cidrs = await valueOf(net.fleetCidrs);
    enodeUrls = await valueOf(net.enodeUrls);
    validatorAddresses = await valueOf(net.validatorAddresses);
});

const validators = () => nodes.filter((n) => n.role === "validator");

test("48 validators and 24 sentries with distinct keys, addresses and IPs", () => {
    assert.equal(validators().length, 48);
    assert.equal(nodes.length, 72);
    for (const k of ["privateKey", "address", "enode", "ip"] as const) {
        assert.equal(new Set(nodes.map((n) => n[k])).size, 72, `${k} unique`);
    }
});

test("each enode URL is the node key's id at its static IP on 30303, and the address matches the key", () => {
    for (const n of nodes) {
        const id = deriveNodeIdentity(n.privateKey);
        assert.equal(n.address, id.address);
        assert.deepEqual(parseEnodeUrl(n.enode), { id: id.publicKey, ip: n.ip, port: 30303 });
        assert.equal(enodeUrls[n.name], n.enode);
    }
});

test("genesis extraData lists exactly the 48 validator addresses, sorted", () => {
    const g = JSON.parse(genesis) as { extraData: string; config: { chainId: number } };
    assert.equal(g.config.chainId, 138);
    const inGenesis = decodeQbftExtraData(g.extraData).validators;
    assert.deepEqual(
        inGenesis,
        [...validators().map((v) => v.address)].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
    );
    assert.deepEqual(
        [...validatorAddresses].sort(),
        validators()
            .map((v) => v.address)
            .sort(),
    );
});

/** The node's id (what Besu identifies a peer by, whatever address it is dialled at). */
const idOf = (enode: string) => /^enode:\/\/([0-9a-f]{128})@/.exec(enode)![1];
/** The chart's pod DNS name of a node (StatefulSet besu-<node>, pod -0, headless Service besu-headless, namespace besu). */
const podDns = (name: string) => `besu-${name}-0.besu-headless.besu.svc.cluster.local`;

test("every validator's static nodes are the other 47 validators: same region by pod DNS, others by public IP", () => {
    for (const v of validators()) {
        assert.equal(v.staticNodes.length, 47, v.name);
        const expected = validators()
            .filter((o) => o.name !== v.name)
            .map((o) => (o.region === v.region ? `enode://${idOf(o.enode)}@${podDns(o.name)}:30303` : o.enode));
        assert.deepEqual([...v.staticNodes].sort(), expected.sort(), v.name);
    }
});

test("every sentry's static nodes are its region's validators", () => {
    for (const s of nodes.filter((n) => n.role === "sentry")) {
        const mine = validators()
            .filter((v) => v.region === s.region)
            .map((v) => `enode://${idOf(v.enode)}@${podDns(v.name)}:30303`);
        assert.equal(mine.length, 2);
        assert.deepEqual(s.staticNodes, mine, s.name);
    }
});

test("allowlist holds every fleet enode (and each id at its region egress IP); CIDRs every fleet IP as /32", async () => {
    const egress: Record<string, string> = {};
    for (const region of FLEET_REGIONS) {
        egress[region] = await valueOf(net.regionInputs(region).egressPublicIp);
        assert.match(await valueOf(net.regionInputs(region).egressPublicIpId!), /egress-ip/);
    }
    assert.equal(new Set(Object.values(egress)).size, 24, "one distinct egress IP per region");
    const viaEgress = nodes.map((n) => `enode://${parseEnodeUrl(n.enode).id}@${egress[n.region]}:30303`);
    assert.deepEqual([...allowlist].sort(), [...nodes.map((n) => n.enode), ...viaEgress].sort());
    assert.equal(allowlist.length, 144);
    for (const region of FLEET_REGIONS) {
        // Each region adds its own nodes at their pod DNS names, and no other region's names.
        const own = nodes.filter((n) => n.region === region).map((n) => `enode://${parseEnodeUrl(n.enode).id}@${podDns(n.name)}:30303`);
        assert.deepEqual(await valueOf(net.regionInputs(region).nodesAllowlist), [...allowlist, ...own], region);
        assert.deepEqual(
            net.regionInputs(region).inClusterHosts,
            nodes.filter((n) => n.region === region).map((n) => podDns(n.name)),
        );
    }
    assert.deepEqual([...cidrs].sort(), [...nodes.map((n) => `${n.ip}/32`), ...Object.values(egress).map((ip) => `${ip}/32`)].sort());
    assert.equal(cidrs.length, 96);
    for (const region of FLEET_REGIONS) {
        const r = net.regionInputs(region);
        assert.equal(r.fleetCidrs, net.fleetCidrs);
        assert.equal(r.genesisJson, net.genesisJson, "one genesis Output shared by every region");
    }
});

test("each region's vault holds exactly its own nodes' keys", () => {
    for (const region of FLEET_REGIONS) {
        const mine = nodes.filter((n) => n.region === region);
        assert.equal(new Set(mine.map((n) => n.vault)).size, 1, `${region}'s nodes name one vault`);
        assert.deepEqual([...memoryVaults.get(mine[0].vault)!.values()].sort(), mine.map((n) => n.privateKey).sort(), region);
        assert.ok(!nodes.some((n) => n.region !== region && n.vault === mine[0].vault), `${region}'s vault is shared`);
    }
});

test("private keys appear in no output, resource input or resource state", async () => {
    for (const o of [net.genesisJson, net.nodesAllowlist, net.fleetCidrs, net.enodeUrls, net.validatorAddresses]) {
        assert.equal(await pulumi.isSecret(o as pulumi.Output<unknown>), false, "plain outputs stay plain (not needlessly secret)");
    }
    const plain: unknown[] = [genesis, allowlist, cidrs, enodeUrls, validatorAddresses, nodes.map((n) => [n.address, n.enode, n.ip, n.staticNodes])];
    for (const region of FLEET_REGIONS) {
        const r = net.regionInputs(region);
        for (const n of [...r.validators, ...r.sentries]) {
            assert.equal(await pulumi.isSecret(n.enodeUrl), false);
            plain.push(await valueOf(n.publicIpName!), await valueOf(n.publicIpResourceGroup!));
        }
    }
    const haystack = JSON.stringify(plain).toLowerCase();
    const inputs = JSON.stringify(seen.map((s) => s.inputs)).toLowerCase();
    const states = JSON.stringify(seen.map((s) => s.state)).toLowerCase();
    for (const n of nodes) {
        const hex = n.privateKey.slice(2).toLowerCase();
        assert.ok(!haystack.includes(hex), `key of ${n.name} leaked into a plain output`);
        assert.ok(!inputs.includes(hex), `key of ${n.name} leaked into a resource input`);
        assert.ok(!states.includes(hex), `key of ${n.name} leaked into a resource's state`);
    }
});

test("Azure resources: a P2P resource group per region, Standard static IPs, zone-redundant where zoned", () => {
    const groups = seen.filter((s) => s.type === "azure-native:resources:ResourceGroup" && String(s.inputs["resourceGroupName"]).startsWith("chain138-p2p-"));
    assert.deepEqual(groups.map((g) => g.inputs["resourceGroupName"]).sort(), FLEET_REGIONS.map((r) => `chain138-p2p-${r}`).sort());
    for (const g of groups) assert.equal(`chain138-p2p-${g.inputs["location"]}`, g.inputs["resourceGroupName"]);
    const ips = seen.filter((s) => s.type === "azure-native:network:PublicIPAddress");
    assert.equal(ips.length, 72 + 24, "one per node plus one egress IP per region");
    for (const ip of ips) {
        assert.deepEqual(ip.inputs["sku"], { name: "Standard", tier: "Regional" });
        assert.equal(ip.inputs["publicIPAllocationMethod"], "Static");
        const region = ip.inputs["location"] as string;
        assert.equal(ip.inputs["resourceGroupName"], `chain138-p2p-${region}`);
        assert.deepEqual(ip.inputs["zones"], ZONED.has(region) ? ["1", "2", "3"] : undefined, ip.name);
    }
    assert.equal(seen.filter((s) => s.type === "pulumi-nodejs:dynamic:Resource" && "label" in s.inputs).length, 72, "one NodeKey per node");
});

test("the IPs each region gets are exactly besuPublicIps (what `npm run preflight` holds the quota against)", () => {
    const ips = seen.filter((s) => s.type === "azure-native:network:PublicIPAddress");
    for (const spec of regions) {
        const created = ips.filter((ip) => ip.inputs["location"] === spec.region).map((ip) => ip.inputs["publicIpAddressName"]);
        assert.deepEqual(
            created.sort(),
            besuPublicIps(spec)
                .map((ip) => ip.ipName)
                .sort(),
            spec.region,
        );
    }
});

test("regionInputs names an unknown region", () => {
    assert.throws(() => net.regionInputs("atlantis"), /no region "atlantis"/);
});

test("bad fleet layouts are rejected with the culprit named", () => {
    const two = (region: string): BesuRegionSpec => ({ region, validatorCount: 2, sentryCount: 0, zones: [] });
    assert.throws(() => planFleet({ chainId: 138, regions: [two("eastus"), two("eastus")] }), /regions\[1\]: region eastus is listed twice/);
    assert.throws(() => planFleet({ chainId: 138, regions: [two("East US"), two("westus")] }), /regions\[0\]\.region/);
    assert.throws(() => planFleet({ chainId: 138, regions: [two("eastus"), { ...two("westus"), zones: ["a"] }] }), /regions\[1\] \(westus\)\.zones/);
    assert.throws(() => planFleet({ chainId: 138, regions: [two("eastus"), { ...two("westus"), sentryCount: -1 }] }), /sentryCount/);
    assert.throws(
        () =>
            new BesuNetwork("bad", {
                chainId: 138,
                deployerAddress: deployer,
                multicall3RuntimeCode: multicall3RuntimeCode(),
                regions: [two("eastus"), two("eastus")],
                keyCustody: TEST_KEY_CUSTODY,
            }),
        /BesuNetwork bad: regions\[1\]: region eastus is listed twice/,
    );
});
