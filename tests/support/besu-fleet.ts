// A plain (Pulumi-free) fleet for chart tests: real keys, enodes and peer lists from the same pure
// functions BesuNetwork uses, so the chart is rendered with the values a real region would get.
import { Wallet } from "ethers";
import { buildQbftGenesis, renderGenesisJson } from "../../components/besu/genesis";
import { deriveNodeIdentity, enodeUrl, generatePrivateKey } from "../../components/besu/keys";
import { fleetCidrs, regionAllowlist, regionInClusterHosts, sentryStaticNodes, validatorStaticNodes, type FleetPeer } from "../../components/besu/peers";
import type { ChartFleetInputs } from "../../components/besu/chart-values";
import { FLEET_REGIONS, multicall3RuntimeCode } from "./besu-fixtures";

/** A fleet node with its key (tests check the key never reaches rendered output). */
export interface PlainFleetNode extends FleetPeer {
    privateKey: string;
    address: string;
    ip: string;
    publicIpName: string;
}

/** The whole plain fleet. */
export interface PlainFleet {
    nodes: PlainFleetNode[];
    genesisJson: string;
    /** Region → its egress (AKS outbound) IP. */
    egressIps: Record<string, string>;
    /** Chart inputs of one region. */
    region(region: string): ChartFleetInputs;
}

/** Builds 24 regions x `validators` validators + `sentries` sentries. */
export function buildPlainFleet(validators = 2, sentries = 1, regions: readonly string[] = FLEET_REGIONS): PlainFleet {
    const nodes: PlainFleetNode[] = [];
    let ip = 0;
    for (const region of regions) {
        for (const [role, count] of [
            ["validator", validators],
            ["sentry", sentries],
        ] as const) {
            for (let i = 0; i < count; i++) {
                ip += 1;
                const privateKey = generatePrivateKey();
                const id = deriveNodeIdentity(privateKey);
                const addr = `51.${Math.floor(ip / 256)}.${ip % 256}.${((ip * 7) % 250) + 1}`;
                const name = `${region}-${role}-${i}`;
                nodes.push({ name, region, role, privateKey, address: id.address, ip: addr, publicIpName: `${name}-p2p`, enode: enodeUrl(id.publicKey, addr) });
            }
        }
    }
    const genesisJson = renderGenesisJson(
        buildQbftGenesis({
            chainId: 138,
            validators: nodes.filter((n) => n.role === "validator").map((n) => n.address),
            deployerAddress: Wallet.createRandom().address,
            multicall3RuntimeCode: multicall3RuntimeCode(),
        }),
    );
    const egress = Object.fromEntries(regions.map((r, i) => [r, `52.${Math.floor(i / 256)}.${i % 256}.9`]));
    const cidrs = fleetCidrs([...nodes.map((n) => n.ip), ...Object.values(egress)]);
    return {
        nodes,
        genesisJson,
        egressIps: egress,
        region(region: string): ChartFleetInputs {
            const mine = nodes.filter((n) => n.region === region);
            const chartNode = (n: PlainFleetNode) => ({
                name: n.name,
                publicIp: n.ip,
                publicIpName: n.publicIpName,
                staticNodes: n.role === "validator" ? validatorStaticNodes(nodes, n.name) : sentryStaticNodes(nodes, n.region),
            });
            return {
                genesisJson,
                validators: mine.filter((n) => n.role === "validator").map(chartNode),
                sentries: mine.filter((n) => n.role === "sentry").map(chartNode),
                nodesAllowlist: regionAllowlist(nodes, egress, region),
                inClusterHosts: regionInClusterHosts(nodes, region),
                fleetCidrs: cidrs,
                p2pResourceGroupName: `chain138-p2p-${region}`,
                p2pPort: 30303,
            };
        },
    };
}
