import assert from "node:assert/strict";
import { test } from "node:test";
import { nsgP2pSource, portSpecCovers } from "../../policy/policies/nsg-p2p-source";
import { p2pSecurityRules } from "../../components/region-deployment";
import { validateResource, type ResourceSpec } from "../support/policy-harness";

const nsg = (securityRules: unknown[]): ResourceSpec => ({
    type: "azure-native:network:NetworkSecurityGroup",
    name: "region-uksouth-nsg",
    props: { location: "uksouth", securityRules },
});

test("the program's own P2P rules (allow from fleet /32s, deny from Internet) pass", async () => {
    // Same rules RegionDeployment gives every node subnet, with plain CIDRs for the Input.
    const rules = p2pSecurityRules(["20.0.0.1/32", "20.0.0.2/32"]);
    assert.deepEqual(await validateResource(nsgP2pSource, nsg(rules)), []);
});

test("an Allow rule for 30303 from Internet or * is a violation naming the NSG, rule and source", async () => {
    const rule = { name: "p2p-open", direction: "Inbound", access: "Allow", protocol: "*", sourceAddressPrefix: "Internet", destinationPortRange: "30303" };
    assert.deepEqual(
        (await validateResource(nsgP2pSource, nsg([rule]))).map((v) => v.message),
        ['region-uksouth-nsg: rule "p2p-open" admits port 30303 from "Internet"; only the fleet\'s addresses may reach P2P'],
    );
    const wide = { ...rule, sourceAddressPrefix: undefined, sourceAddressPrefixes: ["20.0.0.1/32", "0.0.0.0/0"], destinationPortRange: "30000-31000" };
    assert.equal((await validateResource(nsgP2pSource, nsg([wide]))).length, 1);
});

test("a standalone SecurityRule with source * on all ports is a violation; one on another port is not", async () => {
    const rule: ResourceSpec = {
        type: "azure-native:network:SecurityRule",
        name: "any-any",
        props: { name: "any-any", direction: "Inbound", access: "Allow", sourceAddressPrefix: "*", destinationPortRange: "*" },
    };
    assert.equal((await validateResource(nsgP2pSource, rule)).length, 1);
    assert.deepEqual(await validateResource(nsgP2pSource, { ...rule, props: { ...rule.props, destinationPortRange: "443" } }), []);
});

test("port specs: single, range, wildcard", () => {
    assert.equal(portSpecCovers("30303", 30303), true);
    assert.equal(portSpecCovers("30000-30400", 30303), true);
    assert.equal(portSpecCovers("30304-30400", 30303), false);
    assert.equal(portSpecCovers("*", 30303), true);
    assert.equal(portSpecCovers("8545", 30303), false);
});
