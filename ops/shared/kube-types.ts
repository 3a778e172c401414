// The few fields of Kubernetes objects the ops tools read, checked at the edge (zod).
import { z } from "zod";

const metadata = z.object({
    name: z.string(),
    labels: z.record(z.string(), z.string()).nullish(),
    deletionTimestamp: z.string().nullish(),
});

export const statefulSetSchema = z.object({
    metadata,
    spec: z.object({ replicas: z.number().int().nullish() }),
    status: z.object({ replicas: z.number().int().nullish(), readyReplicas: z.number().int().nullish(), updateRevision: z.string().nullish() }).nullish(),
});
export const statefulSetListSchema = z.object({ items: z.array(statefulSetSchema) });

export const podSchema = z.object({
    metadata,
    status: z
        .object({
            phase: z.string().nullish(),
            conditions: z.array(z.object({ type: z.string(), status: z.string() })).nullish(),
        })
        .nullish(),
});
export const podListSchema = z.object({ items: z.array(podSchema) });

export const scaleSchema = z.object({
    metadata: z.object({ name: z.string() }),
    spec: z.object({ replicas: z.number().int().nullish() }),
});

/** A Kubernetes `Status` error body: its message is the most useful part of a failed call. */
export const statusSchema = z.object({ kind: z.literal("Status"), message: z.string().nullish(), reason: z.string().nullish() });

export type StatefulSet = z.infer<typeof statefulSetSchema>;
export type Pod = z.infer<typeof podSchema>;
export type Scale = z.infer<typeof scaleSchema>;

/** A pod counts as ready when it is Running, not being deleted, and its Ready condition is True. */
export function podIsReady(pod: Pod): boolean {
    return (
        pod.status?.phase === "Running" &&
        !pod.metadata.deletionTimestamp &&
        (pod.status.conditions ?? []).some((condition) => condition.type === "Ready" && condition.status === "True")
    );
}
