// scripts/wait-for-cluster-access.sh, the gate each cluster's Kubernetes provider waits for, run for real with
// stand-ins for kubectl and kubelogin on PATH. `kubectl auth can-i` prints "yes"/"no" and exits 0/1.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { REPO_ROOT } from "../../devkit/mock-program";

const SCRIPT = path.join(REPO_ROOT, "scripts", "wait-for-cluster-access.sh");
let dir: string;

/** A kubectl that answers "no" `denials` times, then "yes", recording its kubeconfig file's path, mode and text. */
function fakeKubectl(denials: number): void {
    writeFileSync(
        path.join(dir, "kubectl"),
        [
            "#!/usr/bin/env bash",
            `log=${JSON.stringify(path.join(dir, "calls"))}`,
            'for ((i=1; i<=$#; i++)); do if [ "${!i}" = --kubeconfig ]; then j=$((i+1)); cfg=${!j}; fi; done',
            'printf "%s %s %s\\n" "$cfg" "$(stat -c %a "$cfg")" "$(tr -d "\\n" < "$cfg")" >> "$log"',
            // A "yes" with a warning on stderr, as client-go prints for deprecated APIs or kubelogin for its login.
            `if [ "$(wc -l < "$log")" -gt ${denials} ]; then echo "Warning: some notice" >&2; echo yes; exit 0; fi`,
            "echo no; exit 1",
            "",
        ].join("\n"),
    );
    chmodSync(path.join(dir, "kubectl"), 0o755);
    rmSync(path.join(dir, "calls"), { force: true });
}

function gate(env: Record<string, string>, stdin = "apiVersion: v1\nkind: Config\n") {
    return spawnSync(path.join(dir, "tools", "bash"), [SCRIPT], {
        input: stdin,
        encoding: "utf8",
        timeout: 30_000,
        env: { PATH: `${dir}:${path.join(dir, "tools")}`, CLUSTER: "aks-chain138-prod-uksouth", ACCESS_POLL_SECONDS: "0.2", ...env },
    });
}

/** Each call's kubeconfig path, its mode and its text (newlines dropped). */
const calls = () =>
    readFileSync(path.join(dir, "calls"), "utf8")
        .trim()
        .split("\n")
        .map((line) => {
            const [file, mode, ...text] = line.split(" ");
            return [file, mode, text.join(" ")];
        });

before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "access-gate-"));
    // Only the tools the script and the stand-ins use: this machine may have a real kubectl in /usr/bin.
    mkdirSync(path.join(dir, "tools"));
    for (const tool of ["bash", "env", "cat", "mktemp", "chmod", "grep", "date", "sleep", "rm", "stat", "tr", "wc", "head"]) {
        const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
        symlinkSync(found, path.join(dir, "tools", tool));
    }
    writeFileSync(path.join(dir, "kubelogin"), "#!/bin/sh\nexit 0\n");
    chmodSync(path.join(dir, "kubelogin"), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("passes once the role has propagated, reading the kubeconfig from stdin into a private file it removes", () => {
    fakeKubectl(3);
    const result = gate({ ACCESS_TIMEOUT_SECONDS: "20" });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /aks-chain138-prod-uksouth: API access granted after 4 probe\(s\)/);
    const seen = calls();
    assert.equal(seen.length, 4);
    for (const [file, mode, text] of seen) {
        assert.equal(mode, "600");
        assert.equal(text, "apiVersion: v1kind: Config");
        assert.equal(existsSync(file), false, "the kubeconfig file outlives the gate");
    }
});

test("gives up after its deadline, naming the cluster and the last answer", () => {
    fakeKubectl(1_000_000);
    const started = Date.now();
    const result = gate({ ACCESS_TIMEOUT_SECONDS: "1" });
    assert.equal(result.status, 1);
    assert.ok(Date.now() - started < 10_000, "the deadline was not kept");
    assert.match(result.stderr, /aks-chain138-prod-uksouth: the deploying identity still cannot create namespaces after 1s \(\d+ probes\); last answer: no/);
});

test("refuses at once without kubectl/kubelogin or without a kubeconfig", () => {
    fakeKubectl(0);
    // (An empty string would leave the child our stdin; a lone newline is an empty kubeconfig.)
    assert.match(gate({}, "\n").stderr, /no kubeconfig on stdin/);
    rmSync(path.join(dir, "kubectl"));
    const missing = gate({});
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /kubectl is not on PATH/);
});
