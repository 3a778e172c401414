// Mandatory: contract deployer keys reach dynamic providers only as secrets.
//  - remediate: a key-named input (deployerKey, privateKey, …) that is not a secret is wrapped in a `Secret`,
//    so the engine encrypts it in state. Only a remediation can see secretness (lib/secrets.ts), hence the
//    policy's level is "remediate": the engine runs the remediation and then the validation, reporting the
//    validation's violations as mandatory.
//  - validate: the serialised provider (`__provider`, kept in plain text in state whatever is secret) must not
//    capture a literal key under a key-like name.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { Secret } from "@pulumi/policy";
import { asString } from "../lib/read";
import { isSecretValue, KEY_INPUT, unproxied } from "../lib/secrets";
import { DYNAMIC_RESOURCE } from "../lib/types";

/** A key-like identifier assigned a 32-byte hex literal in serialised provider code. */
const CAPTURED_KEY = /(deployer[-_]?key|private[-_]?key|signer[-_]?key)["']?\s*[:=]\s*["'`](?:0x)?[0-9a-fA-F]{64}["'`]/i;

/** Key-named inputs of a dynamic resource whose raw value is not a secret. */
export function plaintextKeyInputs(props: Record<string, unknown>): string[] {
    const raw = unproxied(props);
    return Object.keys(raw).filter((k) => KEY_INPUT.test(k) && raw[k] !== undefined && raw[k] !== null && !isSecretValue(raw[k]));
}

export const deployerKeySecret: ResourceValidationPolicy = {
    name: "deployer-key-secret",
    description: "Deployer/private keys given to dynamic providers are secrets, and never captured in the serialised provider.",
    enforcementLevel: "remediate",
    remediateResource: (args) => {
        if (args.type !== DYNAMIC_RESOURCE) return undefined;
        const props = args.props as Record<string, unknown>;
        const plaintext = plaintextKeyInputs(props);
        if (plaintext.length === 0) return undefined;
        const raw = unproxied(props);
        return { ...raw, ...Object.fromEntries(plaintext.map((k) => [k, new Secret(raw[k])])) };
    },
    validateResource: (args, report) => {
        if (args.type !== DYNAMIC_RESOURCE) return;
        const source = asString((args.props as Record<string, unknown>)["__provider"]) ?? "";
        const captured = CAPTURED_KEY.exec(source);
        if (captured !== null) {
            report(
                `${args.name}: the dynamic provider's serialised code captures a literal "${captured[1]}"; state stores provider code in plain text — pass the key as a secret input instead`,
            );
        }
    },
};
