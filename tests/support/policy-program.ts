// The real prod program's recorded resources (devkit/mock-program.ts) as policy inputs, and the whole
// pack run over them: this is where the pack and the program have to agree.
import type { PolicyProviderResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../../policy/policies";
import { validateResource, validateStack, type ResourceSpec } from "./policy-harness";
import type { RecordedResource } from "../../devkit/mock-program";

/** Recorded registrations as policy specs: inputs as props, the provider reference resolved to its resource. */
export function toPolicySpecs(resources: readonly RecordedResource[]): ResourceSpec[] {
    const providers = new Map<string, PolicyProviderResource>();
    for (const r of resources.filter((x) => x.type.startsWith("pulumi:providers:"))) {
        providers.set(r.urn, { type: r.type, name: r.name, urn: r.urn, props: r.inputs });
    }
    const nameOf = new Map(resources.map((r) => [r.urn, r.name]));
    return resources.map((r) => {
        // A provider reference is `<urn>::<id>`; the URN itself contains `::`.
        const providerUrn = r.provider === "" ? undefined : r.provider.slice(0, r.provider.lastIndexOf("::"));
        return {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: r.inputs,
            provider: providerUrn === undefined ? undefined : providers.get(providerUrn),
            opts: { additionalSecretOutputs: r.additionalSecretOutputs, protect: r.protect, parent: r.parent || undefined },
            dependsOn: r.dependencies.map((urn) => nameOf.get(urn)).filter((name): name is string => name !== undefined),
        };
    });
}

export interface PackFinding {
    policy: string;
    enforcementLevel: string;
    message: string;
}

/** Every policy of the pack over `specs` (resource policies per resource, stack policies once). */
export async function runPack(specs: readonly ResourceSpec[], config: Record<string, object> = {}): Promise<PackFinding[]> {
    const findings: PackFinding[] = [];
    for (const policy of POLICIES) {
        const level = policy.enforcementLevel ?? "advisory";
        const policyConfig = config[policy.name] ?? {};
        const violations =
            "validateStack" in policy
                ? await validateStack(policy as StackValidationPolicy, specs, policyConfig)
                : (await Promise.all(specs.map((s) => validateResource(policy as ResourceValidationPolicy, s, policyConfig)))).flat();
        findings.push(...violations.map((v) => ({ policy: policy.name, enforcementLevel: level, message: v.message })));
    }
    return findings;
}

/** Levels the engine reports as blocking (a "remediate" policy's validations are reported as mandatory). */
export function isBlocking(finding: PackFinding): boolean {
    return finding.enforcementLevel === "mandatory" || finding.enforcementLevel === "remediate";
}
