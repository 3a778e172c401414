// Mandatory: a threshold of attester keys never sits together. The CCIP routers deliver with `threshold` attester
// signatures; a Kubernetes Secret, or a cluster, holding that many attester keys turns the threshold into one party
// (relayer/README.md "Trust model"). The admin cluster, where the relayer runs, holds none at all.
//
// What it reads: the lanes' attesters and threshold from the CcipLane dynamic resources (contracts/providers/ccip-lane.ts
// inputs `attesters`, `threshold`), and every private key in every Secret's `stringData`/`data` (a 32-byte hex value,
// alone or in a comma-separated list) whose address is a lane attester. Validations see secret values unwrapped
// (lib/secrets.ts); under the SDK's mocks they keep the `{ <sig>, value }` wrapper, read through here too.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { computeAddress } from "ethers";
import { isAdminProvider, DEFAULT_ADMIN_REGION } from "../lib/admin";
import { asNumber, asRecord, asString, asStringArray } from "../lib/read";
import { DYNAMIC_RESOURCE, K8S_SECRET } from "../lib/types";

/** @pulumi/pulumi runtime/rpc specialSigKey: an SDK-serialised secret is `{ [SIG]: <secret sig>, value }`. */
const SIG = "4dabf18193072939515e22adb298388d";
const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

function unwrap(value: unknown): unknown {
    const record = asRecord(value);
    return record !== undefined && SIG in record ? record["value"] : value;
}

/** Lane attester addresses (lowercase) and the smallest threshold among the lanes; undefined without a lane. */
function lanes(resources: readonly PolicyResource[]): { attesters: Set<string>; threshold: number } | undefined {
    let threshold: number | undefined;
    const attesters = new Set<string>();
    for (const r of resources) {
        if (r.type !== DYNAMIC_RESOURCE) continue;
        const t = asNumber(unwrap(r.props["threshold"]));
        const list = asStringArray(unwrap(r.props["attesters"]));
        if (t === undefined || list.length === 0) continue;
        threshold = threshold === undefined ? t : Math.min(threshold, t);
        list.forEach((a) => attesters.add(a.toLowerCase()));
    }
    return threshold === undefined ? undefined : { attesters, threshold };
}

/** Addresses of the lane attesters whose private keys `secret` holds. */
function attesterKeysIn(secret: PolicyResource, attesters: ReadonlySet<string>): Set<string> {
    const found = new Set<string>();
    const values: string[] = [];
    const stringData = asRecord(unwrap(secret.props["stringData"])) ?? {};
    for (const v of Object.values(stringData)) {
        const s = asString(unwrap(v));
        if (s !== undefined) values.push(s);
    }
    const data = asRecord(unwrap(secret.props["data"])) ?? {};
    for (const v of Object.values(data)) {
        const s = asString(unwrap(v));
        if (s !== undefined) values.push(Buffer.from(s, "base64").toString("utf8"));
    }
    for (const value of values) {
        for (const part of value.split(/[,\s]+/)) {
            if (!PRIVATE_KEY.test(part)) continue;
            const address = computeAddress(part.startsWith("0x") ? part : `0x${part}`).toLowerCase();
            if (attesters.has(address)) found.add(address);
        }
    }
    return found;
}

/** The cluster a Kubernetes resource goes to: its provider's URN (one provider per cluster in this program). */
const clusterOf = (r: PolicyResource): string => r.provider?.urn ?? "(default provider)";

export const attesterKeysSpread: StackValidationPolicy = {
    name: "attester-keys-spread",
    description: "No Kubernetes Secret and no cluster holds a threshold of CCIP attester keys; the admin cluster holds none.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { adminRegion: { type: "string", default: DEFAULT_ADMIN_REGION, description: "The admin-only region (runs the relayer)." } },
    },
    validateStack: (args, report) => {
        const lane = lanes(args.resources);
        if (lane === undefined) return;
        const admin = args.getConfig<{ adminRegion?: string }>().adminRegion ?? DEFAULT_ADMIN_REGION;
        const perCluster = new Map<string, Set<string>>();
        for (const secret of args.resources.filter((r) => r.type === K8S_SECRET)) {
            const keys = attesterKeysIn(secret, lane.attesters);
            if (keys.size === 0) continue;
            if (keys.size >= lane.threshold) {
                report(
                    `${secret.name}: one Secret holds ${keys.size} attester keys (${[...keys].join(", ")}), a threshold (${lane.threshold}) of the lanes`,
                    secret.urn,
                );
            }
            if (isAdminProvider(secret.provider, admin)) {
                report(`${secret.name}: attester key(s) ${[...keys].join(", ")} in the admin cluster (${admin}), where the relayer runs`, secret.urn);
            }
            const cluster = clusterOf(secret);
            perCluster.set(cluster, new Set([...(perCluster.get(cluster) ?? []), ...keys]));
        }
        for (const [cluster, keys] of perCluster) {
            if (keys.size >= lane.threshold) {
                report(
                    `cluster ${cluster.split("::").pop()}: its Secrets hold ${keys.size} attester keys (${[...keys].join(", ")}), a threshold (${lane.threshold}) of the lanes`,
                );
            }
        }
    },
};
