// Issue 13 under the mock runtime, on the real prod stack file: with only mainnet in `chains` (and ccip, relayer,
// rpcAllowedCidrs), one `pulumi up` deploys both suites, the lane and the relayer; Chain 138's suite waits behind a
// readiness gate on the fleet's own public endpoint, mainnet's suite on nothing of the fleet; every region peers with
// the hub both ways; and the NSG, judged by Azure's own evaluation rules (written out below, not taken from the code),
// admits from the hub exactly JSON-RPC and from the Internet exactly HTTPS from the allowlist.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { parseCidr } from "../../regions/cidr";
import { renewalPeriod } from "../../components/rpc-tls";
import { regionOfUrn } from "../../ops/targets/regions";
import { runFailingProgram, runProgram, type ProgramRun, type RecordedResource } from "../../devkit/mock-program";
import { mainnetOnlyScenario, SCENARIO_ALLOWED_CIDRS, SCENARIO_PUBLIC_TLS } from "../../devkit/mainnet-scenario";

const ALLOWED = SCENARIO_ALLOWED_CIDRS;
const prodWithMainnet = (overrides: Record<string, unknown> = {}) => mainnetOnlyScenario(overrides);

const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const plain = (value: unknown): unknown =>
    typeof value === "object" && value !== null && "value" in (value as Record<string, unknown>) && Object.keys(value as object).length <= 2
        ? (value as { value: unknown }).value
        : value;

/** Whether an IPv4 address lies in a CIDR. */
function inCidr(ip: string, cidr: string): boolean {
    const block = parseCidr(cidr)!;
    const n = ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    return n >= block.first && n <= block.last;
}

interface NsgRule {
    name: string;
    priority: number;
    access: string;
    protocol: string;
    sourceAddressPrefix?: string;
    sourceAddressPrefixes?: string[];
    destinationPortRange: string;
    direction: string;
}

/**
 * Azure's NSG evaluation for an inbound flow (Azure "Network security groups: how it works"): rules in priority order,
 * lowest number first, the first match decides; then the default rules — AllowVnetInBound (65000, source
 * VirtualNetwork: the VNet's own space, peered VNets' spaces, …), AllowAzureLoadBalancerInBound (65001),
 * DenyAllInBound (65500). `peered` is the address space the VirtualNetwork tag covers for this VNet.
 */
function nsgAdmits(rules: NsgRule[], flow: { source: string; port: number; protocol: "Tcp" | "Udp" }, peered: string[]): boolean {
    const matchesSource = (prefix: string) =>
        prefix === "*" ||
        (prefix === "Internet"
            ? !peered.some((c) => inCidr(flow.source, c))
            : prefix === "VirtualNetwork"
              ? peered.some((c) => inCidr(flow.source, c))
              : inCidr(flow.source, prefix));
    const matchesPort = (range: string) =>
        range === "*" ||
        (range.includes("-") ? flow.port >= Number(range.split("-")[0]) && flow.port <= Number(range.split("-")[1]) : Number(range) === flow.port);
    const defaults: NsgRule[] = [
        {
            name: "AllowVnetInBound",
            priority: 65000,
            access: "Allow",
            protocol: "*",
            sourceAddressPrefix: "VirtualNetwork",
            destinationPortRange: "*",
            direction: "Inbound",
        },
        { name: "DenyAllInBound", priority: 65500, access: "Deny", protocol: "*", sourceAddressPrefix: "*", destinationPortRange: "*", direction: "Inbound" },
    ];
    for (const rule of [...rules, ...defaults].filter((r) => r.direction === "Inbound").sort((a, b) => a.priority - b.priority)) {
        const sources = rule.sourceAddressPrefixes ?? [rule.sourceAddressPrefix ?? "*"];
        if ((rule.protocol === "*" || rule.protocol === flow.protocol) && sources.some(matchesSource) && matchesPort(rule.destinationPortRange)) {
            return rule.access === "Allow";
        }
    }
    return false;
}

describe("prod with only mainnet configured (issue 13)", () => {
    let run: ProgramRun;
    const byName = (name: string): RecordedResource => {
        const found = run.resources.find((r) => r.name === name);
        assert.ok(found, `${name} registered`);
        return found;
    };
    before(async () => {
        run = await runProgram(mainnetOnlyScenario({}, "prod", { rpcPublicTls: JSON.stringify(SCENARIO_PUBLIC_TLS) }));
    });

    it("deploys both suites, the lane, both governances and the relayer; the contracts output has both chains", async () => {
        const suites = run.resources.filter((r) => r.type === "chain138:index:ContractSuite").map((r) => r.name);
        assert.deepEqual(suites.sort(), ["contracts-chain138", "contracts-mainnet"]);
        assert.ok(run.resources.some((r) => r.type === "chain138:index:CcipWiring"));
        assert.equal(run.resources.filter((r) => r.name.endsWith("-governance")).length, 2);
        assert.ok(run.resources.some((r) => r.type === "chain138:index:CcipRelayer"));
        const contracts = run.resolved["contracts"] as Record<string, Record<string, string>>;
        assert.deepEqual(Object.keys(contracts).sort(), ["chain138", "mainnet"]);
        assert.ok(Object.keys(contracts["chain138"]).includes("CCIPRouter"));
    });

    it("Chain 138's deployments wait behind the readiness gate; the gate waits for the entry region's Besu; mainnet waits for nothing of the fleet", () => {
        const gate = byName("contracts-chain138-ChainReady");
        const chart = byName("region-northeurope-besu-chart");
        assert.ok(gate.dependencies.includes(chart.urn), "the gate starts once the entry region's Besu (gateway included) exists");
        const chain138 = run.resources.filter((r) => r.type === DYNAMIC && /^contracts-chain138-[A-Z]/.test(r.name) && r.name !== gate.name);
        assert.ok(chain138.length >= 9);
        for (const deployment of chain138) assert.ok(deployment.dependencies.includes(gate.urn), `${deployment.name} waits for the gate`);
        const fleetUrns = new Set(
            run.resources.filter((r) => r.type.startsWith("azure-native:") || r.type.startsWith("kubernetes:") || r.type.startsWith("tls:")).map((r) => r.urn),
        );
        for (const deployment of run.resources.filter((r) => r.type === DYNAMIC && r.name.startsWith("contracts-mainnet-"))) {
            if (deployment.name.endsWith("-governance")) continue;
            assert.deepEqual(
                deployment.dependencies.filter((d) => fleetUrns.has(d) || d === gate.urn),
                [],
                `${deployment.name} starts at once`,
            );
        }
    });

    it("the gate and the suite reach the first region's public endpoint over TLS, trusting the stack's CA; the relayer its private endpoint", () => {
        const gate = byName("contracts-chain138-ChainReady");
        const rpcIp = byName("besu-northeurope-rpc-ip").state["ipAddress"] as string;
        assert.equal(plain(gate.inputs["rpcUrl"]), `https://${rpcIp}`);
        assert.ok(gate.secretInputs.includes("rpcUrl"));
        const ca = byName("rpc-tls-ca").state["certPem"];
        assert.equal(gate.inputs["rpcCaCertificate"], ca);
        const router = byName("contracts-chain138-CCIPRouter");
        assert.equal(plain(router.inputs["rpcUrl"]), `https://${rpcIp}`);
        assert.equal(router.inputs["rpcCaCertificate"], ca);
        // The certificate of that endpoint names exactly that IP (its only SAN).
        assert.deepEqual(byName("rpc-tls-northeurope-csr").inputs["ipAddresses"], [rpcIp]);
        // The relayer: the internal LB's IP, inside the region's LB subnet, which the relayer's hub reaches by peering.
        const secret = run.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "ccip-relayer-keys")!;
        const urls = plain(secret.inputs["stringData"]) as Record<string, string>;
        const privateUrl = new URL(urls["RPC_URL_CHAIN138"]);
        assert.equal(privateUrl.protocol, "http:");
        const lbSubnet = run.resources.find((r) => r.type === "azure-native:network:Subnet" && r.name === "region-northeurope-internal-lb")!;
        assert.ok(
            inCidr(privateUrl.hostname, lbSubnet.inputs["addressPrefix"] as string),
            `${privateUrl.hostname} in ${String(lbSubnet.inputs["addressPrefix"])}`,
        );
        assert.ok(byName("hub-peering-northeurope-from-hub"));
    });

    it("every deployed region peers with the hub both ways, after the subnets of both VNets, one write after another", () => {
        const hubVnet = run.resources.find((r) => r.type === "azure-native:network:VirtualNetwork" && r.name === "admin-westeurope-vnet")!;
        const hubSubnet = byName("admin-westeurope-nodes");
        const regions = (run.resolved["rollout"] as { deployedRegions: string[] }).deployedRegions;
        assert.equal(regions.length, 24);
        // ARM runs one write at a time per VNet (AnotherOperationInProgress otherwise, pulumi-azure-native #903): the
        // 48 peerings form one chain, each after the one before, so no two ever touch the hub VNet at once.
        const peerings = run.resources.filter((r) => r.type === "azure-native:network:VirtualNetworkPeering");
        assert.equal(peerings.length, 48);
        const transitive = (resource: RecordedResource, seen = new Set<string>()): Set<string> => {
            for (const dep of resource.dependencies) {
                if (seen.has(dep)) continue;
                seen.add(dep);
                const next = run.resources.find((r) => r.urn === dep);
                if (next) transitive(next, seen);
            }
            return seen;
        };
        // `npm run targets -- --failed` maps a failed peering to its region.
        for (const peering of peerings) assert.equal(regionOfUrn(peering.urn), peering.name.replace(/^hub-peering-(.*)-(to|from)-hub$/, "$1"));
        for (let i = 0; i < peerings.length; i++) {
            for (let j = 0; j < i; j++) {
                const ordered = transitive(peerings[i]).has(peerings[j].urn) || transitive(peerings[j]).has(peerings[i].urn);
                assert.ok(ordered, `${peerings[i].name} and ${peerings[j].name} could run at once`);
            }
        }
        for (const region of regions) {
            const vnet = byName(`region-${region}-vnet`);
            const toHub = byName(`hub-peering-${region}-to-hub`);
            const fromHub = byName(`hub-peering-${region}-from-hub`);
            assert.equal(
                (toHub.inputs["remoteVirtualNetwork"] as { id: string }).id,
                hubVnet.state["id"] ?? (toHub.inputs["remoteVirtualNetwork"] as { id: string }).id,
            );
            assert.equal(toHub.inputs["virtualNetworkName"], vnet.state["name"]);
            assert.equal(fromHub.inputs["virtualNetworkName"], hubVnet.state["name"]);
            assert.match((fromHub.inputs["remoteVirtualNetwork"] as { id: string }).id, new RegExp(`/virtualNetworks/vnet-chain138-prod-${region}$`));
            for (const peering of [toHub, fromHub]) {
                assert.equal(peering.inputs["allowVirtualNetworkAccess"], true);
                assert.equal(peering.inputs["allowForwardedTraffic"], false, "no transit between spokes");
                assert.ok(peering.dependencies.includes(hubSubnet.urn), `${peering.name} waits for the hub's subnet`);
                assert.ok(peering.dependencies.includes(byName(`region-${region}-nodes`).urn), `${peering.name} waits for the spoke's subnet`);
            }
        }
    });

    it("each region's NSG admits from the hub only JSON-RPC, and from the Internet HTTPS only from the allowlist", () => {
        const hubSubnet = byName("admin-westeurope-nodes").inputs["addressPrefix"] as string;
        const hubVnet = byName("admin-westeurope-vnet").inputs["addressSpace"] as { addressPrefixes: string[] };
        const hubNode = "10.0.0.7";
        assert.ok(inCidr(hubNode, hubSubnet));
        for (const region of ["northeurope", "koreasouth"]) {
            const nsg = byName(`region-${region}-nsg`);
            const rules = nsg.inputs["securityRules"] as NsgRule[];
            const own = (byName(`region-${region}-vnet`).inputs["addressSpace"] as { addressPrefixes: string[] }).addressPrefixes;
            const peered = [...own, ...hubVnet.addressPrefixes];
            const admits = (source: string, port: number, protocol: "Tcp" | "Udp" = "Tcp") => nsgAdmits(rules, { source, port, protocol }, peered);
            assert.equal(admits(hubNode, 8545), true, `${region}: hub → JSON-RPC`);
            for (const port of [22, 9545, 10250, 8546, 30303, 443]) assert.equal(admits(hubNode, port), false, `${region}: hub → ${port}`);
            assert.equal(admits("145.100.7.77", 443), true, `${region}: allowlisted → 443`);
            assert.equal(admits("52.174.10.9", 443), true);
            assert.equal(admits("52.174.10.10", 443), false, `${region}: unlisted → 443`);
            assert.equal(admits("145.100.7.77", 8545), false, `${region}: the Internet never reaches 8545`);
        }
    });

    it("the hub's NSG admits nothing a spoke opens (peering is for the hub's own connections), its own VNet still", () => {
        const rules = byName("admin-westeurope-nsg").inputs["securityRules"] as NsgRule[];
        const hub = (byName("admin-westeurope-vnet").inputs["addressSpace"] as { addressPrefixes: string[] }).addressPrefixes;
        const spokes = ["northeurope", "koreasouth"].map(
            (r) => (byName(`region-${r}-vnet`).inputs["addressSpace"] as { addressPrefixes: string[] }).addressPrefixes[0],
        );
        const peered = [...hub, ...spokes];
        const spokeNode = "10.1.0.9";
        assert.ok(inCidr(spokeNode, spokes[0]));
        for (const port of [22, 443, 3000, 9090, 10250])
            assert.equal(nsgAdmits(rules, { source: spokeNode, port, protocol: "Tcp" }, peered), false, `spoke → hub ${port}`);
        assert.equal(nsgAdmits(rules, { source: "10.0.0.9", port: 10250, protocol: "Tcp" }, peered), true, "the hub's own nodes");
    });

    it("the charts get the endpoints: internal LB on a free address of its subnet for the hub, gateway for the allowlist", () => {
        const chart = byName("region-northeurope-besu-chart");
        const rpc = (
            chart.inputs["values"] as { rpc: Record<string, { enabled: boolean; ip: string; subnet: string; sourceRanges: string[]; publicIp: string }> }
        ).rpc;
        const subnet = byName("region-northeurope-internal-lb");
        assert.equal(rpc["internalLoadBalancer"].subnet, subnet.inputs["subnetName"]);
        // Azure reserves a subnet's first four addresses and its last (Virtual Network FAQ).
        const block = parseCidr(subnet.inputs["addressPrefix"] as string)!;
        const ip = rpc["internalLoadBalancer"].ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
        assert.ok(ip >= block.first + 4 && ip < block.last, `${rpc["internalLoadBalancer"].ip} is assignable in ${block.cidr}`);
        // AKS: not from the node subnet's range.
        assert.equal(inCidr(rpc["internalLoadBalancer"].ip, byName("region-northeurope-nodes").inputs["addressPrefix"] as string), false);
        assert.deepEqual(rpc["internalLoadBalancer"].sourceRanges, [byName("admin-westeurope-nodes").inputs["addressPrefix"]]);
        assert.deepEqual(rpc["gateway"].sourceRanges, ALLOWED);
        assert.equal(rpc["gateway"].publicIp, byName("besu-northeurope-rpc-ip").state["ipAddress"]);
        // The cluster identity may join the LB subnet (AKS internal-lb.md) before the cluster exists.
        const grant = byName("region-northeurope-lb-subnet-access");
        assert.ok(byName("region-northeurope-aks").dependencies.includes(grant.urn));
    });

    it("an operator certificate is served by SNI for each region's name, its key only in a secret", () => {
        const secret = byName("region-koreasouth-rpc-public-tls");
        assert.ok(secret.secretInputs.includes("stringData"));
        assert.equal(secret.inputs["type"], "kubernetes.io/tls");
        const gateway = (
            byName("region-koreasouth-besu-chart").inputs["values"] as { rpc: { gateway: { serverNames: string[]; publicTlsSecretName: string } } }
        ).rpc.gateway;
        assert.deepEqual(gateway.serverNames, ["koreasouth.rpc.example.org"]);
        assert.equal(gateway.publicTlsSecretName, (secret.inputs["metadata"] as { name: string }).name);
        assert.equal(
            (run.resolved["rpc"] as { regions: Record<string, { publicHostname: string }> }).regions["koreasouth"].publicHostname,
            "koreasouth.rpc.example.org",
        );
        assert.doesNotMatch(JSON.stringify(run.resolved), /operatorkey/, "the key is in no output");
    });

    it("the stack outputs say where each region serves RPC, and the CA to trust", () => {
        const rpc = run.resolved["rpc"] as { caCertificate: string; regions: Record<string, { private: string; public: string }> };
        assert.match(rpc.caCertificate, /^-----BEGIN CERTIFICATE-----/);
        assert.equal(Object.keys(rpc.regions).length, 24);
        assert.match(rpc.regions["northeurope"].public, /^https:\/\/20\./);
        assert.match(rpc.regions["northeurope"].private, /^http:\/\/10\.1\.16\.4:8545$/);
    });
});

describe("server certificates renew every half-year", () => {
    it("the renewal period turns at midnight UTC on 1 January and 1 July", () => {
        assert.equal(renewalPeriod(new Date("2026-06-30T23:59:59Z")), "2026-H1");
        assert.equal(renewalPeriod(new Date("2026-07-01T00:00:00Z")), "2026-H2");
        assert.equal(renewalPeriod(new Date("2027-01-01T00:00:00Z")), "2027-H1");
    });
});

describe("RPC access config is checked before any resource", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
        ["the whole Internet", { rpcAllowedCidrs: ["0.0.0.0/0"] }, /rpcAllowedCidrs\[0\]: "0\.0\.0\.0\/0" admits more than a \/8/],
        [
            "a private range",
            { rpcAllowedCidrs: ["10.20.0.0/16"] },
            /rpcAllowedCidrs\[0\]: "10\.20\.0\.0\/16" overlaps 10\.0\.0\.0\/8, which never reaches a public IP/,
        ],
        [
            "host bits set",
            { rpcAllowedCidrs: ["145.100.7.1/24"] },
            /rpcAllowedCidrs\[0\]: "145\.100\.7\.1\/24" is not an IPv4 CIDR block with its host bits clear/,
        ],
        ["not a CIDR", { rpcAllowedCidrs: ["my-laptop"] }, /rpcAllowedCidrs\[0\]: "my-laptop" is not an IPv4 CIDR block/],
        ["an overlap", { rpcAllowedCidrs: ["145.100.0.0/16", "145.100.7.0/24"] }, /rpcAllowedCidrs\[1\]: "145\.100\.7\.0\/24" overlaps "145\.100\.0\.0\/16"/],
        ["a wildcard origin", { rpcCorsOrigins: ["*"] }, /rpcCorsOrigins\[0\]: "\*": wildcards are refused/],
        ["an origin with a path", { rpcCorsOrigins: ["https://app.example.org/"] }, /did you mean "https:\/\/app\.example\.org"/],
        [
            "no endpoint for the program to deploy Chain 138 through",
            { rpcAllowedCidrs: [] },
            /chains\.chain138\.rpcUrl is not set and chain138:rpcAllowedCidrs is empty/,
        ],
        ["no sentries to serve RPC", { sentriesPerRegion: 0 }, /chains\.chain138\.rpcUrl is not set, but chain138:sentriesPerRegion is 0/],
        [
            "an operator certificate stored in plain text",
            { rpcPublicTls: SCENARIO_PUBLIC_TLS },
            /chain138:rpcPublicTls holds a TLS private key but is stored in plain text/,
        ],
    ];
    for (const [what, overrides, message] of cases) {
        it(`refuses ${what}, naming it`, async () => {
            const { error, resources } = await runFailingProgram(prodWithMainnet(overrides));
            assert.match(error.message, message);
            assert.equal(resources.filter((r) => r.type !== "pulumi:pulumi:Stack").length, 0, "nothing registered");
        });
    }
});
