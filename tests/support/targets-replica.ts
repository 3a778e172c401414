// A stand-in for a deployed stack, so the real Pulumi CLI can say which resources a `--target` list selects.
//
// The real program needs Azure and Kubernetes providers; this one needs only the Node.js language host and
// the dynamic-provider launcher. It registers, for every resource of a recorded mock run, a ComponentResource
// with the same type, name and parent (so the same URN) and, under it, a dynamic "anchor" of the same name
// that carries the resource's dependency edges (the SDK turns `dependsOn` on a component into its custom
// descendants, so components alone would record none). Every resource takes the config value `generation`
// as its input: after `up` with one value, a `preview` with another shows as `update` exactly the resources
// the engine selected and as nothing (or `same`) the others.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openPulumiWorkspace, type PulumiWorkspace } from "../../ops/shared/pulumi-workspace";
import type { RecordedResource } from "../../devkit/mock-program";

/** What the replica needs of a resource: its URN parts and what it depends on (URNs). */
export interface ReplicaResource {
    urn: string;
    type: string;
    name: string;
    /** Parent URN, "" for the stack. */
    parent: string;
    dependencies: string[];
}

/** The anchors' type: `pulumi-nodejs:dynamic/<module>:<type>` (@pulumi/pulumi dynamic.Resource). */
export const ANCHOR_TYPE = "pulumi-nodejs:dynamic/replica:Anchor";
/** Provider resources become components of this type. */
const PROVIDER_STAND_IN = "chain138:replica:Provider";

/**
 * Recorded registrations as replica resources. The provider a resource uses counts as a dependency (as it
 * does for `--target-dependents`). A provider cannot be a component, so providers get PROVIDER_STAND_IN as
 * their type (and so that URN): the only URNs of the replica that differ from the program's.
 */
export function fromRecorded(resources: readonly RecordedResource[]): ReplicaResource[] {
    const renamed = new Map<string, string>();
    for (const r of resources.filter((x) => x.type.startsWith("pulumi:providers:"))) {
        renamed.set(r.urn, r.urn.replace(/(\$|::)pulumi:providers:[^:$]+::([^:]*)$/, `$1${PROVIDER_STAND_IN}::$2`));
    }
    const urnOf = (urn: string) => renamed.get(urn) ?? urn;
    return resources.map((r) => ({
        urn: urnOf(r.urn),
        type: renamed.has(r.urn) ? PROVIDER_STAND_IN : r.type,
        name: r.name,
        parent: r.parent,
        // A provider reference is `<urn>::<id>`; the URN itself contains `::`.
        dependencies: [...r.dependencies, ...(r.provider === "" ? [] : [r.provider.slice(0, r.provider.lastIndexOf("::"))])].map(urnOf),
    }));
}

/** A child of `parent` with the URN the engine gives it (`<parent type chain>$<type>::<name>`). */
export function childOf(parent: ReplicaResource, type: string, name: string, dependencies: string[] = []): ReplicaResource {
    const [head, project, typeChain] = parent.urn.split("::");
    return { urn: `${head}::${project}::${typeChain}$${type}::${name}`, type, name, parent: parent.urn, dependencies };
}

// Plain JavaScript, so the language host runs it without compiling anything.
const PROGRAM = `const pulumi = require("@pulumi/pulumi");
const generation = new pulumi.Config().require("generation");
const anchorProvider = { async create(inputs) { return { id: "anchor", outs: inputs }; } };
const anchors = new Map();
const components = new Map();
for (const r of require("./resources.json")) {
    const dependsOn = r.dependencies.map((urn) => anchors.get(urn)).filter((anchor) => anchor !== undefined);
    const component = new pulumi.ComponentResource(r.type, r.name, { generation }, { parent: components.get(r.parent), dependsOn });
    components.set(r.urn, component);
    anchors.set(r.urn, new pulumi.dynamic.Resource(anchorProvider, r.name, { generation }, { parent: component, dependsOn }, "replica", "Anchor"));
}
`;

export interface ReplicaStack {
    readonly workspace: PulumiWorkspace;
    /**
     * Runs `pulumi preview --json <args>` with a new `generation` and returns the URNs (of the replicated
     * resources, anchors left out) the engine plans to update: the selection of `args`' --target flags.
     */
    selected(args: readonly string[]): Promise<string[]>;
    remove(): void;
}

/** Creates stack `stack` of project chain138 on a fresh file backend with `resources`, deployed once. */
export async function createReplicaStack(stack: string, resources: readonly ReplicaResource[]): Promise<ReplicaStack> {
    const root = mkdtempSync(path.join(tmpdir(), "chain138-targets-"));
    const dir = path.join(root, "project");
    mkdirSync(dir);
    // Written before openPulumiWorkspace, which links the repository's entries only where nothing exists yet
    // (node_modules, for @pulumi/pulumi, is linked).
    writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        "name: chain138\nruntime: nodejs\nmain: replica.js\ndescription: --target selection replica (tests/support/targets-replica.ts)\n",
    );
    writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "config: {}\n");
    writeFileSync(path.join(dir, "package.json"), '{ "name": "chain138-targets-replica", "private": true }\n');
    writeFileSync(path.join(dir, "replica.js"), PROGRAM);
    writeFileSync(path.join(dir, "resources.json"), JSON.stringify(resources));
    const workspace = openPulumiWorkspace({ stack, dir, stateDir: path.join(root, "state"), env: { PULUMI_SKIP_CHECKPOINTS: "true" } });

    await workspace.runOk(["stack", "init", stack]);
    let generation = 1;
    await workspace.runOk(["config", "set", "generation", String(generation)]);
    await workspace.runOk(["up", "--yes", "--skip-preview", "--parallel", "64"]);

    return {
        workspace,
        async selected(args) {
            generation++;
            await workspace.runOk(["config", "set", "generation", String(generation)]);
            const preview = JSON.parse(await workspace.runOk(["preview", "--json", ...args])) as { steps?: { op: string; urn: string }[] };
            const replicated = new Set(resources.map((r) => r.urn));
            return (preview.steps ?? []).filter((step) => step.op === "update" && replicated.has(step.urn)).map((step) => step.urn);
        },
        remove: () => rmSync(root, { recursive: true, force: true }),
    };
}
