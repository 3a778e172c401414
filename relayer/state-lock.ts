// One relayer per state file. Two on one file would overwrite each other's progress and race each other's nonces.
// proper-lockfile (README, "How it works"): the lock is a directory `<file>.lock` created with mkdir (atomic, also on
// network filesystems); its holder touches its mtime every `update` ms, and a lock older than `stale` ms counts as
// abandoned by a dead holder (a pod killed with SIGKILL), so it never needs a pid, which means nothing across containers.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { lock } from "proper-lockfile";

/** A lock not refreshed for this long is taken over. */
export const LOCK_STALE_MS = 10_000;

/** Locks `stateFile`, waiting up to `waitMs` for another holder (or a stale lock) to go; resolves to the release. */
export async function lockStateFile(stateFile: string, waitMs: number, onLost: (err: Error) => void): Promise<() => Promise<void>> {
    mkdirSync(path.dirname(path.resolve(stateFile)), { recursive: true });
    const tries = Math.max(0, Math.ceil(waitMs / 1000));
    try {
        return await lock(stateFile, {
            realpath: false,
            stale: LOCK_STALE_MS,
            retries: { retries: tries, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
            onCompromised: onLost,
        });
    } catch (err) {
        if ((err as { code?: string }).code === "ELOCKED") {
            throw new Error(
                `relayer state file ${stateFile} is locked by another relayer (${stateFile}.lock, refreshed within ${LOCK_STALE_MS} ms); stop it first`,
            );
        }
        throw err;
    }
}
