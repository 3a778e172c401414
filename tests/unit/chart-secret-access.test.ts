// Every container of the rendered chart can read the Secret files it mounts, by Kubernetes' and POSIX's rules rather
// than by the chart's literals: a secret volume's files are owned by root and, with a pod `fsGroup`, by that group
// (Kubernetes "Configure a Security Context for a Pod or Container": "the owner for volume /data/demo and any files
// created in that volume will be Group ID …"; files get `defaultMode`, default 0644, Kubernetes "Secrets"), and the
// process runs as runAsUser with runAsGroup and fsGroup among its groups. Found by review: the gateway's key was 0440
// with no fsGroup, so nginx (uid 101) would have died on "permission denied".
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { renderBesuChartYaml } from "../support/policy-chart";
import { ENDPOINT_VALUES } from "../support/rpc-gateway";

interface PodSpec {
    securityContext?: { runAsUser?: number; runAsGroup?: number; fsGroup?: number };
    containers: { name: string; securityContext?: { runAsUser?: number; runAsGroup?: number }; volumeMounts?: { name: string; mountPath: string }[] }[];
    volumes?: { name: string; secret?: { defaultMode?: number; items?: { mode?: number }[] } }[];
}

/** Whether a process (uid, gids) may read a file of owner root, group `group`, mode `mode` (POSIX permission check). */
function mayRead(uid: number, gids: number[], group: number, mode: number): boolean {
    if (uid === 0) return (mode & 0o400) !== 0;
    if (gids.includes(group)) return (mode & 0o040) !== 0;
    return (mode & 0o004) !== 0;
}

test("every container can read every Secret it mounts (Besu node keys, the gateway's TLS keys)", () => {
    // YAML 1.1, as the Kubernetes API machinery reads manifests (sigs.k8s.io/yaml on go-yaml v2): `0440` is octal there,
    // while YAML 1.2 (this parser's default) would read it as decimal 440.
    const pods = parseAllDocuments(renderBesuChartYaml("japaneast", "besu", ENDPOINT_VALUES), { version: "1.1" })
        .map((doc) => doc.toJS() as { kind?: string; metadata?: { name: string }; spec?: { template?: { spec: PodSpec } } } | null)
        .filter((o) => o?.kind === "StatefulSet" || o?.kind === "Deployment")
        .map((o) => ({ name: `${o!.kind}/${o!.metadata!.name}`, spec: o!.spec!.template!.spec }));
    let checked = 0;
    for (const pod of pods) {
        for (const container of pod.spec.containers) {
            const uid = container.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser ?? 0;
            const gid = container.securityContext?.runAsGroup ?? pod.spec.securityContext?.runAsGroup ?? 0;
            const fsGroup = pod.spec.securityContext?.fsGroup;
            const gids = fsGroup === undefined ? [gid] : [gid, fsGroup];
            for (const mount of container.volumeMounts ?? []) {
                const volume = pod.spec.volumes?.find((v) => v.name === mount.name);
                if (volume?.secret === undefined) continue;
                const mode = volume.secret.defaultMode ?? 0o644;
                assert.ok(
                    mayRead(uid, gids, fsGroup ?? 0, mode),
                    `${pod.name} ${container.name}: uid ${uid} groups ${gids} cannot read ${mount.mountPath} (mode ${mode.toString(8)}, group ${fsGroup ?? 0})`,
                );
                checked++;
            }
        }
    }
    assert.ok(
        pods.some((p) => p.name.includes("rpc-gateway")),
        "the gateway was rendered",
    );
    assert.ok(checked >= 5, `only ${checked} secret mounts checked`);
});
