// Which resources failed in the last update: from `pulumi up --event-log` JSON lines or a `pulumi stack export`.
//
// Field names follow pulumi/pulumi sdk/go/common/apitype: events.go (EngineEvent with `diagnosticEvent`
// {urn, severity, message}, `resOpFailedEvent` {metadata: StepEventMetadata{op, urn, type}}, `resOutputsEvent`
// {metadata.new.initErrors}, `summaryEvent`) and core.go (UntypedDeployment {version, deployment}; DeploymentV3
// {resources: ResourceV3[] with urn/initErrors, pending_operations: [{resource: ResourceV3, type}]}).

/** One failed resource and why it is considered failed. */
export interface FailedResource {
    urn: string;
    /** e.g. "resOpFailedEvent (create)", "diagnostic error: …", "initErrors: …", "pending creating". */
    reasons: string[];
}

interface StepMetadata {
    op?: string;
    urn?: string;
    new?: { initErrors?: string[] } | null;
}
interface EngineEventLine {
    diagnosticEvent?: { urn?: string; severity?: string; message?: string };
    resOpFailedEvent?: { metadata?: StepMetadata };
    resOutputsEvent?: { metadata?: StepMetadata };
    summaryEvent?: { resourceChanges?: Record<string, number> };
}

class FailureSet {
    private readonly byUrn = new Map<string, FailedResource>();
    add(urn: string, reason: string): void {
        const entry = this.byUrn.get(urn) ?? { urn, reasons: [] };
        if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
        this.byUrn.set(urn, entry);
    }
    list(): FailedResource[] {
        return [...this.byUrn.values()];
    }
}

function firstLine(text: string | undefined): string {
    return (text ?? "").trim().split("\n")[0].slice(0, 200);
}

/** What an event log says: the failed resources and whether the update ran to its summary. */
export interface EventLogFailures {
    failed: FailedResource[];
    /** False when the log has no summaryEvent (update cut off, or not an event log). */
    complete: boolean;
}

/** Parses `pulumi up --event-log` output (one EngineEvent JSON object per line); `source` names the file in errors. */
export function failuresFromEventLog(text: string, source: string): EventLogFailures {
    const failures = new FailureSet();
    let complete = false;
    let events = 0;
    text.split("\n").forEach((line, index) => {
        if (line.trim() === "") return;
        let event: EngineEventLine;
        try {
            event = JSON.parse(line) as EngineEventLine;
        } catch (error) {
            throw new Error(`${source}:${index + 1}: not a JSON engine event (${(error as Error).message})`);
        }
        events++;
        const diag = event.diagnosticEvent;
        if (diag?.severity === "error" && diag.urn) failures.add(diag.urn, `error: ${firstLine(diag.message)}`);
        const opFailed = event.resOpFailedEvent?.metadata;
        if (opFailed?.urn) failures.add(opFailed.urn, `${opFailed.op ?? "operation"} failed`);
        // A resource the provider created but could not finish initialising (e.g. k8s await timeout).
        const outputs = event.resOutputsEvent?.metadata;
        const initErrors = outputs?.new?.initErrors ?? [];
        if (outputs?.urn && initErrors.length > 0) failures.add(outputs.urn, `initErrors: ${firstLine(initErrors[0])}`);
        if (event.summaryEvent !== undefined) complete = true;
    });
    if (events === 0) throw new Error(`${source}: no engine events (expected the JSON lines \`pulumi up --event-log\` writes)`);
    return { failed: failures.list(), complete };
}

interface StateResource {
    urn?: string;
    initErrors?: string[];
}
interface StateExport {
    version?: number;
    deployment?: { resources?: StateResource[]; pending_operations?: { resource?: StateResource; type?: string }[] };
}

/** Parses `pulumi stack export` JSON: resources with initErrors and resources with pending operations. */
export function failuresFromState(text: string, source: string): FailedResource[] {
    let state: StateExport;
    try {
        state = JSON.parse(text) as StateExport;
    } catch (error) {
        throw new Error(`${source}: not JSON (${(error as Error).message})`);
    }
    const deployment = state.deployment;
    if (deployment === undefined || typeof deployment !== "object") {
        throw new Error(`${source}: no "deployment" object; expected the output of \`pulumi stack export\``);
    }
    const failures = new FailureSet();
    for (const resource of deployment.resources ?? []) {
        const errors = resource.initErrors ?? [];
        if (resource.urn && errors.length > 0) failures.add(resource.urn, `initErrors: ${firstLine(errors[0])}`);
    }
    for (const op of deployment.pending_operations ?? []) {
        if (op.resource?.urn) failures.add(op.resource.urn, `pending ${op.type ?? "operation"} (interrupted)`);
    }
    return failures.list();
}
