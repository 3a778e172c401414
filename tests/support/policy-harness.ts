// Runs single policies the way the framework would, without the CLI: builds ResourceValidationArgs /
// StackValidationArgs from plain data and collects every reportViolation call.
import type {
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

/** A resource as a test describes it. */
export interface ResourceSpec {
    type: string;
    name: string;
    props: Record<string, unknown>;
    /** Defaults to a URN built from stack `test`, project `chain138` and `type`/`name`. */
    urn?: string;
    provider?: PolicyProviderResource;
    opts?: Partial<PolicyResourceOptions>;
    /** Property → names of the specs it depends on (as the engine reports an Output input's source). */
    propertyDependsOn?: Record<string, string[]>;
    /** Names of the specs it depends on without saying through which property (the mocks record only these). */
    dependsOn?: string[];
}

/** A reported violation: its message and the URN it was reported against (stack policies may pass one). */
export interface Violation {
    message: string;
    urn?: string;
}

export function testUrn(type: string, name: string, parentType?: string): string {
    return `urn:pulumi:test::chain138::${parentType === undefined ? "" : `${parentType}$`}${type}::${name}`;
}

/** A Kubernetes provider as the engine describes it to policies. */
export function k8sProvider(name: string, parentType?: string): PolicyProviderResource {
    return { type: "pulumi:providers:kubernetes", name, urn: testUrn("pulumi:providers:kubernetes", name, parentType), props: {} };
}

function options(opts: Partial<PolicyResourceOptions> | undefined): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...opts,
    };
}

function notApplicable(reason?: string): never {
    throw new Error(`notApplicable: ${reason ?? ""}`);
}

const NO_TAGS: ReadonlyMap<string, string> = new Map();

/** ResourceValidationArgs for `spec`, with `config` as the policy's config. */
export function resourceArgs(spec: ResourceSpec, config: object = {}): ResourceValidationArgs {
    return {
        type: spec.type,
        name: spec.name,
        urn: spec.urn ?? testUrn(spec.type, spec.name),
        props: spec.props,
        opts: options(spec.opts),
        provider: spec.provider,
        stackTags: NO_TAGS,
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable,
    };
}

/** Runs every validateResource of `policy` on `spec`; returns the violations. */
export async function validateResource(policy: ResourceValidationPolicy, spec: ResourceSpec, config: object = {}): Promise<Violation[]> {
    const violations: Violation[] = [];
    const validations =
        policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    for (const validate of validations) {
        await validate(resourceArgs(spec, config), (message, urn) => violations.push({ message, urn }));
    }
    return violations;
}

/** A PolicyResource for stack policies. */
export function policyResource(spec: ResourceSpec): PolicyResource {
    return {
        type: spec.type,
        name: spec.name,
        urn: spec.urn ?? testUrn(spec.type, spec.name),
        props: spec.props,
        opts: options(spec.opts),
        provider: spec.provider,
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    };
}

/** Runs `policy.validateStack` over `specs`; returns the violations. */
export async function validateStack(policy: StackValidationPolicy, specs: readonly ResourceSpec[], config: object = {}): Promise<Violation[]> {
    const violations: Violation[] = [];
    const resources = specs.map(policyResource);
    const byName = new Map(resources.map((r) => [r.name, r]));
    specs.forEach((spec, i) => {
        for (const [property, names] of Object.entries(spec.propertyDependsOn ?? {})) {
            const deps = names.map((name) => byName.get(name)!);
            resources[i].propertyDependencies[property] = deps;
            resources[i].dependencies.push(...deps);
        }
        for (const name of spec.dependsOn ?? []) {
            const dep = byName.get(name);
            if (dep !== undefined && !resources[i].dependencies.includes(dep)) resources[i].dependencies.push(dep);
        }
    });
    const args: StackValidationArgs = {
        resources,
        stackTags: NO_TAGS,
        getConfig: <T extends object>() => config as T,
        notApplicable,
    };
    await policy.validateStack(args, (message, urn) => violations.push({ message, urn }));
    return violations;
}
