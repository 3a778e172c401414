// The stack outputs the fleet tool needs (components/fleet.ts fleetOutputs), from the Pulumi CLI or a file.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { z } from "zod";

const outputsSchema = z.object({
    regions: z.record(z.string(), z.object({ clusterName: z.string() })),
    rollout: z.object({ deployedRegions: z.array(z.string()) }).nullish(),
    besu: z.object({
        validatorAddresses: z.array(z.string()),
        enodes: z.record(z.string(), z.string()),
        /** Validator node name → address (absent in stacks deployed before it was output). */
        validatorNodes: z.record(z.string(), z.string()).optional(),
        /** Validators to add/remove by QBFT votes against the launched genesis (components/besu/genesis-lock.ts). */
        validatorChanges: z.object({ add: z.array(z.string()), remove: z.array(z.string()) }).optional(),
    }),
    kubeconfigs: z.record(z.string(), z.string()),
});

/** What the fleet tool reads from a stack: deployed regions in order, the genesis validators, kubeconfigs. */
export interface FleetOutputs {
    /** Deployed validator regions in the stack's order (rollout.deployedRegions, else the `regions` keys). */
    regions: string[];
    /** AKS cluster name per region (for messages). */
    clusterNames: Record<string, string>;
    /** Genesis validator node names (`<region>-validator-<i>`) per configured region, deployed or not. */
    validatorsByRegion: Record<string, string[]>;
    /** Size of the validator set (n), from besu.validatorAddresses. */
    validatorCount: number;
    /** Kubeconfig YAML per region (secret: never print). */
    kubeconfigs: Record<string, string>;
    /** Validator node name → address, lowercase ({} when the stack does not output it). */
    validatorNodes: Record<string, string>;
    /** Pending validator-set changes against the launched genesis. */
    validatorChanges: { add: string[]; remove: string[] };
}

/** Reads `pulumi stack output --json --show-secrets -s <stack>`, or `file` when given. */
export async function loadFleetOutputs(stack: string, file: string | undefined): Promise<FleetOutputs> {
    if (file !== undefined) {
        let text: string;
        try {
            text = await readFile(file, "utf8");
        } catch (error) {
            throw new Error(`cannot read stack outputs file ${file}: ${(error as Error).message}`);
        }
        return parseFleetOutputs(text, file);
    }
    return parseFleetOutputs(await pulumiStackOutputs(stack), `outputs of stack ${stack}`);
}

/** Validates the outputs JSON; `source` names it in errors (which never quote its values). */
export function parseFleetOutputs(text: string, source: string): FleetOutputs {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        throw new Error(`${source}: not JSON`);
    }
    const checked = outputsSchema.safeParse(json);
    if (!checked.success) {
        const where = checked.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
        throw new Error(`${source}: not the fleet's stack outputs (is it an Azure stack?): ${where}`);
    }
    const outputs = checked.data;
    const deployed = Object.keys(outputs.regions);
    const ordered = outputs.rollout?.deployedRegions.filter((region) => deployed.includes(region)) ?? [];
    const regions = [...ordered, ...deployed.filter((region) => !ordered.includes(region))];
    const missing = regions.filter((region) => outputs.kubeconfigs[region] === undefined);
    if (missing.length > 0) throw new Error(`${source}: kubeconfigs has no entry for ${missing.join(", ")}`);

    const validatorsByRegion: Record<string, string[]> = {};
    for (const name of Object.keys(outputs.besu.enodes)) {
        const match = /^(.+)-validator-\d+$/.exec(name);
        if (match) (validatorsByRegion[match[1]] ??= []).push(name);
    }
    const validatorCount = outputs.besu.validatorAddresses.length;
    const named = Object.values(validatorsByRegion).reduce((sum, names) => sum + names.length, 0);
    if (named !== validatorCount) {
        throw new Error(`${source}: besu.enodes names ${named} validators but besu.validatorAddresses holds ${validatorCount}`);
    }
    return {
        regions,
        clusterNames: Object.fromEntries(regions.map((region) => [region, outputs.regions[region].clusterName])),
        validatorsByRegion,
        validatorCount,
        kubeconfigs: Object.fromEntries(regions.map((region) => [region, outputs.kubeconfigs[region]])),
        validatorNodes: Object.fromEntries(Object.entries(outputs.besu.validatorNodes ?? {}).map(([node, address]) => [node, address.toLowerCase()])),
        validatorChanges: outputs.besu.validatorChanges ?? { add: [], remove: [] },
    };
}

function pulumiStackOutputs(stack: string): Promise<string> {
    const args = ["stack", "output", "--json", "--show-secrets", "-s", stack];
    return new Promise((resolve, reject) => {
        execFile("pulumi", args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            if (error === null) return resolve(stdout);
            const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "the Pulumi CLI is not installed (pass --outputs <file>)" : stderr.trim() || error.message;
            // stdout holds the kubeconfigs: never part of the message.
            reject(new Error(`\`pulumi stack output --json -s ${stack}\` failed: ${why}`));
        });
    });
}
