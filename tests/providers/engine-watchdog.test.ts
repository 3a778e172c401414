// A dynamic-provider process whose engine is SIGKILLed exits by itself, for real: an "engine" process starts a
// provider process (the launcher execs node, so the engine is its parent) and is killed with SIGKILL.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

const ROOT = path.resolve(__dirname, "..", "..");

const alive = (pid: number) => {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
};

test("the provider process exits within seconds of its engine's SIGKILL", async () => {
    // The engine: spawns the provider and reports its pid, then waits forever.
    const engineCode = `
        const { spawn } = require("node:child_process");
        const child = spawn(process.execPath, ["--import", "tsx", ${JSON.stringify(path.join(ROOT, "tests/support/fake-dynamic-provider.ts"))}], { stdio: ["ignore", "pipe", "inherit"], cwd: ${JSON.stringify(ROOT)} });
        child.stdout.on("data", (d) => { if (String(d).includes("READY")) process.stdout.write("PROVIDER " + child.pid + "\\n"); });
        setInterval(() => undefined, 1000);
    `;
    const engine = spawn(process.execPath, ["-e", engineCode], { stdio: ["ignore", "pipe", "inherit"] });
    const providerPid = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the provider did not start")), 30_000);
        engine.stdout.on("data", (d: Buffer) => {
            const m = /PROVIDER (\d+)/.exec(d.toString());
            if (m) {
                clearTimeout(timer);
                resolve(Number(m[1]));
            }
        });
    });
    try {
        assert.ok(alive(providerPid));
        engine.kill("SIGKILL");
        const deadline = Date.now() + 15_000;
        while (alive(providerPid) && Date.now() < deadline) await sleep(200);
        // A zombie awaiting its reaper counts as gone: it runs nothing.
        const state = alive(providerPid) ? (await import("node:fs")).readFileSync(`/proc/${providerPid}/stat`, "utf8").split(" ")[2] : "gone";
        assert.ok(state === "gone" || state === "Z", `the provider (pid ${providerPid}) outlived its engine (state ${state})`);
    } finally {
        if (alive(providerPid)) process.kill(providerPid, "SIGKILL");
    }
});
