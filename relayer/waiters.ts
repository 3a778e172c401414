// Delivery outcomes by message id, and the callers of waitForDelivery waiting for them.

export type Outcome = { kind: "executed" } | { kind: "receiver-failed"; detail: string };

interface Waiter {
    resolve: () => void;
    reject: (err: Error) => void;
    timer: NodeJS.Timeout;
}

/** Outcomes kept for late callers; the oldest are forgotten beyond this (a long-running process). */
const MAX_OUTCOMES = 10_000;

export class DeliveryWaiters {
    private readonly outcomes = new Map<string, Outcome>();
    private readonly waiting = new Map<string, Set<Waiter>>();

    /** Records the outcome of `messageId` and settles its waiters. */
    settle(messageId: string, outcome: Outcome): void {
        const id = messageId.toLowerCase();
        this.outcomes.delete(id);
        this.outcomes.set(id, outcome);
        if (this.outcomes.size > MAX_OUTCOMES) this.outcomes.delete(this.outcomes.keys().next().value as string);
        for (const w of this.waiting.get(id) ?? []) this.finish(id, w, outcome);
        this.waiting.delete(id);
    }

    wait(messageId: string, timeoutMs: number): Promise<void> {
        const id = messageId.toLowerCase();
        return new Promise<void>((resolve, reject) => {
            const known = this.outcomes.get(id);
            const waiter: Waiter = {
                resolve,
                reject,
                timer: setTimeout(() => {
                    this.waiting.get(id)?.delete(waiter);
                    reject(new Error(`message ${messageId} was not delivered within ${timeoutMs} ms`));
                }, timeoutMs),
            };
            if (known !== undefined) return this.finish(id, waiter, known);
            let set = this.waiting.get(id);
            if (set === undefined) this.waiting.set(id, (set = new Set()));
            set.add(waiter);
        });
    }

    /** Rejects everyone still waiting (the relayer stopped). */
    close(reason: string): void {
        for (const [id, set] of this.waiting) {
            for (const w of set) {
                clearTimeout(w.timer);
                w.reject(new Error(`message ${id}: ${reason}`));
            }
        }
        this.waiting.clear();
    }

    private finish(id: string, w: Waiter, outcome: Outcome): void {
        clearTimeout(w.timer);
        if (outcome.kind === "executed") w.resolve();
        else w.reject(new Error(`message ${id} was delivered but its receiver reverted (${outcome.detail}); the router keeps it for retryFailedMessage`));
    }
}
