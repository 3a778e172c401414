// Hand-built Pulumi engine events and stack exports in the CLI's real JSON shapes (pulumi/pulumi
// sdk/go/common/apitype events.go and core.go), for the ops tests.

const PROJECT = "chain138";

/** A realistic URN of `name` (type `type`, under parent type chain `parents`) in `stack`. */
export function urn(stack: string, type: string, name: string, parents: readonly string[] = []): string {
    const qualified = [...parents, type].join("$");
    return `urn:pulumi:${stack}::${PROJECT}::${qualified}::${name}`;
}

const REGION = "chain138:index:RegionDeployment";
const BESU = "chain138:index:BesuNetwork";

/** URNs of a region's typical resources: the component, its AKS cluster, its Besu namespace, its P2P group and a node key. */
export function regionUrns(stack: string, region: string): { component: string; aks: string; namespace: string; p2p: string; nodeKey: string } {
    return {
        component: urn(stack, REGION, `region-${region}`),
        aks: urn(stack, "azure-native:containerservice:ManagedCluster", `region-${region}-aks`, [REGION]),
        namespace: urn(stack, "kubernetes:core/v1:Namespace", `region-${region}-besu-ns`, [REGION]),
        p2p: urn(stack, "azure-native:resources:ResourceGroup", `besu-p2p-${region}`, [BESU]),
        nodeKey: urn(stack, "chain138:besu:NodeKey", `besu-${region}-validator-0-key`, [BESU]),
    };
}

let sequence = 0;
function event(body: Record<string, unknown>): string {
    sequence++;
    return JSON.stringify({ sequence, timestamp: 1763780000 + sequence, ...body });
}

function metadata(op: string, resourceUrn: string, initErrors?: string[]): Record<string, unknown> {
    const type = resourceUrn.split("::")[2].split("$").pop();
    const state = { type, urn: resourceUrn, custom: true, id: "", parent: "", inputs: {}, outputs: {}, provider: "", ...(initErrors ? { initErrors } : {}) };
    return { op, urn: resourceUrn, type, old: null, new: state, detailedDiff: null, provider: "" };
}

/** The events one failed create produces: resourcePreEvent, an error diagnostic with the URN, resOpFailedEvent. */
export function failedCreate(resourceUrn: string, message: string): string[] {
    return [
        event({ resourcePreEvent: { metadata: metadata("create", resourceUrn) } }),
        event({ diagnosticEvent: { urn: resourceUrn, prefix: "error: ", message: `${message}\n`, color: "raw", severity: "error" } }),
        event({ resOpFailedEvent: { metadata: metadata("create", resourceUrn), status: 1, steps: 0 } }),
    ];
}

/** A successful create: resourcePreEvent then resOutputsEvent (optionally with initErrors, i.e. created but not ready). */
export function createdResource(resourceUrn: string, initErrors?: string[]): string[] {
    return [
        event({ resourcePreEvent: { metadata: metadata("create", resourceUrn) } }),
        event({ resOutputsEvent: { metadata: metadata("create", resourceUrn, initErrors) } }),
    ];
}

/** A whole event log: prelude, the given events, the engine's URN-less update error and a summary. */
export function eventLog(lines: readonly string[], failed: boolean): string {
    const head = [event({ preludeEvent: { config: { "chain138:regions": "[...]" } } })];
    const tail = [
        ...(failed ? [event({ diagnosticEvent: { prefix: "error: ", message: "update failed\n", color: "raw", severity: "error" } })] : []),
        event({ diagnosticEvent: { urn: urn("prod", "pulumi:pulumi:Stack", "chain138-prod"), message: "warning only\n", color: "raw", severity: "warning" } }),
        event({ summaryEvent: { maybeCorrupt: false, durationSeconds: 1234, resourceChanges: { create: 10 }, PolicyPacks: {}, isPreview: false } }),
        event({ cancelEvent: {} }),
    ];
    return [...head, ...lines, ...tail].join("\n") + "\n";
}

/** A `pulumi stack export` document (version 3) with the given resources and pending operations. */
export function stackExport(resources: { urn: string; initErrors?: string[] }[], pending: { urn: string; type: string }[] = []): string {
    const resource = (r: { urn: string; initErrors?: string[] }) => ({
        urn: r.urn,
        custom: true,
        id: "some-id",
        type: r.urn.split("::")[2].split("$").pop(),
        inputs: {},
        outputs: {},
        ...(r.initErrors ? { initErrors: r.initErrors } : {}),
    });
    return JSON.stringify({
        version: 3,
        deployment: {
            manifest: { time: "2026-11-22T03:00:00Z", magic: "abc", version: "v3.260.0" },
            secrets_providers: { type: "passphrase", state: { salt: "x" } },
            resources: resources.map(resource),
            ...(pending.length > 0 ? { pending_operations: pending.map((p) => ({ resource: resource(p), type: p.type })) } : {}),
        },
    });
}
