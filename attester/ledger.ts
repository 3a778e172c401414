// What this attester has signed, per (lane, sequence number): the digest it signed there. Consulted before every
// signature and written (atomically, fsync'd) before the signature leaves the process, so even across restarts it never
// signs two different messages under one sequence number (which would let a relayer pick either after a deep reorg).
import { existsSync, readFileSync } from "node:fs";
import { getAddress } from "ethers";
import { z } from "zod";
import { writeFileAtomic } from "../relayer/state";

const ledgerSchema = z.strictObject({
    version: z.literal(1),
    attester: z.string(),
    /** `<source selector>-><dest selector>#<sequence>` → the EIP-712 digest signed for it. */
    signed: z.record(z.string(), z.strictObject({ messageId: z.string(), digest: z.string() })),
});
type LedgerFile = z.infer<typeof ledgerSchema>;

export type LedgerVerdict = { kind: "new" } | { kind: "same" } | { kind: "conflict"; signedMessageId: string; signedDigest: string };

export class SignedLedger {
    private data: LedgerFile;

    constructor(
        private readonly file: string,
        attester: string,
    ) {
        if (!existsSync(file)) {
            this.data = { version: 1, attester: getAddress(attester), signed: {} };
            return;
        }
        let raw: unknown;
        try {
            raw = JSON.parse(readFileSync(file, "utf8"));
        } catch (err) {
            throw new Error(`attester state file ${file} is not valid JSON (${(err as Error).message}); restore it from a backup`);
        }
        const parsed = ledgerSchema.safeParse(raw);
        if (!parsed.success) throw new Error(`attester state file ${file} is invalid: ${z.prettifyError(parsed.error)}; restore it from a backup`);
        if (getAddress(parsed.data.attester) !== getAddress(attester)) {
            throw new Error(`attester state file ${file} belongs to attester ${parsed.data.attester}, this key is ${getAddress(attester)}`);
        }
        this.data = parsed.data;
    }

    static key(source: bigint, dest: bigint, sequence: bigint): string {
        return `${source}->${dest}#${sequence}`;
    }

    /** Whether signing `digest` at `key` is new, a repeat of what was signed, or a conflict with it. */
    check(key: string, digest: string): LedgerVerdict {
        const entry = this.data.signed[key];
        if (entry === undefined) return { kind: "new" };
        if (entry.digest === digest) return { kind: "same" };
        return { kind: "conflict", signedMessageId: entry.messageId, signedDigest: entry.digest };
    }

    /** Records `digest` at `key` on disk; returns only once the file is durable. */
    record(key: string, messageId: string, digest: string): void {
        // In memory only once durable: a failed write must not let a later request find it "already signed".
        const next: LedgerFile = { ...this.data, signed: { ...this.data.signed, [key]: { messageId, digest } } };
        writeFileAtomic(this.file, `${JSON.stringify(next)}\n`);
        this.data.signed = next.signed;
    }

    get size(): number {
        return Object.keys(this.data.signed).length;
    }
}
