// Progress file: last scanned block per source chain and last delivered sequence per lane.
// Written atomically (temp file, fsync, rename) so a crash leaves either the old or the new file.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const decimal = z.string().regex(/^\d+$/, "expected a decimal integer string");

const chainState = z.object({
    chainId: decimal,
    router: z.string(),
    /** Block 0 hash: a dev chain restarted from scratch gets a new one, and its old progress is void. */
    genesisHash: z.string(),
    /** Every CCIPMessageSent at or below this block was delivered (or found delivered). */
    scannedBlock: z.number().int().min(-1),
});

const stateSchema = z.object({
    version: z.literal(1),
    chains: z.record(z.string(), chainState),
    lanes: z.record(z.string(), z.object({ lastDeliveredSequence: decimal })),
});

export type ChainState = z.infer<typeof chainState>;
export type RelayerState = z.infer<typeof stateSchema>;

/** Reads the state file; a missing file is an empty state, a corrupt one an error naming the file. */
export function loadState(file: string): RelayerState {
    if (!existsSync(file)) return { version: 1, chains: {}, lanes: {} };
    let raw: unknown;
    try {
        raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
        throw new Error(`relayer state file ${file} is not valid JSON (${(err as Error).message}); fix or delete it`);
    }
    const parsed = stateSchema.safeParse(raw);
    if (!parsed.success) {
        throw new Error(`relayer state file ${file} is invalid: ${z.prettifyError(parsed.error)}; fix or delete it`);
    }
    return parsed.data;
}

/** Writes `text` to `file` atomically (temp file, fsync, rename), mode 0600: a crash leaves the old or the new file. */
export function writeFileAtomic(file: string, text: string): void {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    try {
        writeSync(fd, text);
        fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
    renameSync(tmp, file);
}

/** Writes `state` to `file` atomically. */
export function saveState(file: string, state: RelayerState): void {
    writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** Name of the lane `source → dest` in logs and in the state file. */
export function laneName(source: string, dest: string): string {
    return `${source}->${dest}`;
}
