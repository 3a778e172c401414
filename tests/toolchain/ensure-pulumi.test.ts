// toolchain/pulumi-cli/ensure-pulumi's choice of Pulumi CLI, the real script run with stand-in `pulumi` executables on
// PATH (they answer `pulumi version` as the official CLI does: one line, `v3.x.y`) and a stand-in `go` that records
// its calls and fails, so the build branch is entered for real but never builds (a real build takes 10+ minutes).
// Each run gets its own empty CHAIN138_CACHE: a build cached on this machine is never seen or touched.
//
// The rule under test (README.md "Which Pulumi CLI"): a CLI of the pinned SDK's version or a later release of the
// same major version is used, anything else is built. Versions compare as semantic versions (semver.org, items 10
// and 11): numerically field by field, a pre-release below its release, build metadata ignored.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { REPO_ROOT, openPulumiWorkspace } from "../../ops/shared/pulumi-workspace";
import { toolSandbox, type ToolSandbox } from "../support/tool-sandbox";

const SCRIPT = path.join(REPO_ROOT, "toolchain", "pulumi-cli", "ensure-pulumi");
// The SDK npm installed, read from its own package.json (not from the lockfile the script parses).
const PINNED = (JSON.parse(readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version;
const [MAJOR, MINOR, PATCH] = PINNED.split(".").map(Number) as [number, number, number];

// Versions chosen so that comparing them as strings would give the wrong answer.
const OLDER_BUT_LONGER_STRING = `${MAJOR}.${"9".repeat(String(MINOR).length - 1)}.0`; // 3.99.0 against 3.259.0
const NEWER_BUT_SMALLER_STRING = `${MAJOR}.${10 ** String(MINOR).length}.0`; // 3.1000.0 against 3.259.0

let box: ToolSandbox;
let runs = 0;

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
    /** The last stdout line: the bin dir the callers put first on PATH. */
    dir: string;
    cache: string;
}

/** Runs the real script with `pathDirs` in front of the sandbox's PATH and a fresh, empty cache. */
function ensure(pathDirs: string[], args: string[] = [], env: Record<string, string> = {}): Run {
    const cache = path.join(box.root, `cache-${++runs}`);
    const result = spawnSync(SCRIPT, args, {
        encoding: "utf8",
        timeout: 30_000,
        env: { PATH: box.pathWith(...pathDirs), HOME: box.root, CHAIN138_CACHE: cache, GOPROXY: "https://proxy.invalid", ...env },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, dir: result.stdout.trim().split("\n").pop() ?? "", cache };
}

/** A directory holding a stand-in official CLI of `version`, with the language host a release bundles next to it. */
function officialCli(name: string, version: string): string {
    const dir = path.join(box.root, name);
    box.fake("pulumi", `if [ "$1" = version ]; then echo v${version}; exit 0; fi\n${box.recordCall(`${name}-pulumi`)}`, dir);
    box.fake("pulumi-language-nodejs", "exit 0", dir);
    return dir;
}

before(() => {
    assert.ok(MINOR >= 10, `the version cases assume a two-digit minor at least (pinned ${PINNED})`);
    assert.ok(OLDER_BUT_LONGER_STRING > PINNED && NEWER_BUT_SMALLER_STRING < PINNED, "string order disagrees with version order");
    box = toolSandbox(
        "ensure-pulumi-",
        [
            "bash",
            "dirname",
            "basename",
            "readlink",
            "date",
            "tail",
            "awk",
            "sed",
            "grep",
            "mkdir",
            "cmp",
            "cp",
            "chmod",
            "mv",
            "rm",
            "mktemp",
            "du",
            "cut",
            "cat",
        ],
        ["flock"],
    );
    // go: records every call; answers `go version`, `go env` and `go mod init` as go does, and `go mod download -json`
    // as go does when the proxy refuses a module (a JSON object with an Error field, exit 1), so nothing is fetched.
    box.fake(
        "go",
        [
            box.recordCall("go"),
            'case "$1 $2" in',
            '  "version "*) echo "go version go1.26.0 linux/amd64" ;;',
            '  "env "*) echo /nonexistent/go-env ;;',
            '  "mod init") echo "module $3" > go.mod ;;',
            '  "mod download") printf \'{\\n\\t"Path": "%s",\\n\\t"Version": "%s",\\n\\t"Error": "stand-in go: no module proxy here"\\n}\\n\' "${4%@*}" "${4#*@}"; exit 1 ;;',
            '  *) echo "stand-in go: unexpected $*" >&2; exit 1 ;;',
            "esac",
        ].join("\n"),
    );
});

after(() => box.remove());

describe("ensure-pulumi, the three cases of issue 19", () => {
    it("a newer CLI on PATH is used: its directory is printed, nothing is built, no cache is created", () => {
        const newer = officialCli("newer", `${MAJOR}.${MINOR + 1}.1`);
        const run = ensure([newer]);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.dir, newer);
        assert.match(run.stderr, new RegExp(`using pulumi v${MAJOR}\\.${MINOR + 1}\\.1 on PATH`));
        assert.deepEqual(box.calls("go"), [], "go was run for a usable CLI");
        assert.equal(existsSync(run.cache), false, "the cache was touched");
    });

    // The build branch takes a flock first (util-linux; macOS has none, and there the script stops saying so).
    const needsFlock = (t: TestContext) => !box.has("flock") && (t.skip("no flock on this machine: the build branch needs it"), true);

    it("an older CLI on PATH is not used: the script goes on to build the pinned version", (t) => {
        if (needsFlock(t)) return;
        const older = officialCli("older", OLDER_BUT_LONGER_STRING);
        const before = box.calls("go").length;
        const run = ensure([older]);
        assert.notEqual(run.code, 0, "the stand-in go cannot build, so the script must fail");
        assert.match(
            run.stderr,
            new RegExp(`the pulumi on PATH \\(${older}/pulumi\\) is v${OLDER_BUT_LONGER_STRING.replace(/\./g, "\\.")}, older than v${PINNED}: not used`),
        );
        assert.match(run.stderr, new RegExp(`building pulumi v${PINNED} from source`));
        assert.ok(
            box.calls("go").slice(before).includes(`mod download -json github.com/pulumi/pulumi/pkg/v3@v${PINNED}`),
            `go was not asked for the CLI's module: ${box.calls("go").slice(before).join(" | ")}`,
        );
        assert.match(run.stderr, new RegExp(`BLOCKED: .* does not serve github\\.com/pulumi/pulumi/pkg/v3@v${PINNED}: stand-in go`));
        assert.deepEqual(box.calls("older-pulumi"), [], "the older CLI was run for more than its version");
    });

    it("no CLI on PATH: the script goes on to build the pinned version", (t) => {
        if (needsFlock(t)) return;
        const before = box.calls("go").length;
        const run = ensure([]);
        assert.notEqual(run.code, 0);
        assert.match(run.stderr, /no pulumi on PATH/);
        assert.ok(box.calls("go").slice(before).includes(`mod download -json github.com/pulumi/pulumi/pkg/v3@v${PINNED}`));
    });
});

describe("ensure-pulumi --explain: the choice for each kind of version, nothing changed", () => {
    const cases: [label: string, version: string, choice: "path" | "build"][] = [
        ["the pinned version", PINNED, "path"],
        ["a later patch", `${MAJOR}.${MINOR}.${PATCH + 1}`, "path"],
        ["a later minor whose string sorts first", NEWER_BUT_SMALLER_STRING, "path"],
        ["the pinned version with build metadata", `${PINNED}+dirty`, "path"],
        ["an earlier minor whose string sorts last", OLDER_BUT_LONGER_STRING, "build"],
        ["a pre-release of the pinned version", `${PINNED}-alpha.1`, "build"],
        ["the next major version", `${MAJOR + 1}.0.0`, "build"],
    ];
    for (const [label, version, choice] of cases) {
        it(`${label} (v${version}): ${choice}`, () => {
            const dir = officialCli(`explain-${version}`, version);
            const run = ensure([dir], ["--explain"]);
            assert.equal(run.code, 0, run.stderr);
            const expected = choice === "path" ? dir : path.join(run.cache, "pulumi", `v${PINNED}`, "bin");
            assert.equal(run.stdout, `${choice} ${expected}\n`);
            assert.equal(existsSync(run.cache), false, "--explain created the cache");
        });
    }

    it("a CLI that does not print a version: build, saying what it printed", () => {
        const dir = path.join(box.root, "garbled");
        box.fake("pulumi", "echo 'warning: something'", dir);
        const run = ensure([dir], ["--explain"]);
        assert.equal(run.stdout.split(" ")[0], "build");
        assert.match(run.stderr, /printed 'warning: something' for `pulumi version`, not a version: not used/);
    });

    it("CHAIN138_PULUMI_FROM_PATH=0 ignores even a newer CLI", () => {
        const run = ensure([officialCli("ignored", `${MAJOR}.${MINOR + 1}.0`)], ["--explain"], { CHAIN138_PULUMI_FROM_PATH: "0" });
        assert.equal(run.stdout.split(" ")[0], "build");
        assert.match(run.stderr, /CHAIN138_PULUMI_FROM_PATH=0/);
    });

    it("a symlinked CLI (Homebrew, /usr/local/bin) gives the directory of the real executable, where its bundled plugins are", () => {
        const real = officialCli("cellar", `${MAJOR}.${MINOR + 2}.0`);
        const linkDir = path.join(box.root, "linkbin");
        mkdirSync(linkDir);
        symlinkSync(path.join(real, "pulumi"), path.join(linkDir, "pulumi"));
        const run = ensure([linkDir], ["--explain"]);
        assert.equal(run.stdout, `path ${real}\n`);
    });

    it("refuses an unknown argument", () => {
        const run = ensure([], ["--dry-run"]);
        assert.equal(run.code, 2);
        assert.match(run.stderr, /unknown argument --dry-run/);
    });
});

describe("the tools' PATH with a CLI from PATH", () => {
    it("openPulumiWorkspace puts the chosen CLI's directory first, so its own language host wins over a stale one on PATH", async () => {
        // Pulumi resolves a language host on $PATH before the one next to the running `pulumi`
        // (sdk/go/common/workspace/plugins.go, getPluginInfoAndPath: "We prefer the ambient path"), so a stale
        // pulumi-language-nodejs earlier on PATH (our cached 3.68 build) would be used by a newer official CLI.
        const official = officialCli("workspace-cli", `${MAJOR}.${MINOR + 1}.0`);
        const stale = path.join(box.root, "stale-cache-bin");
        box.fake("pulumi-language-nodejs", "exit 0", stale);
        const saved = { PATH: process.env["PATH"], CHAIN138_CACHE: process.env["CHAIN138_CACHE"] };
        process.env["PATH"] = `${stale}:${official}:${box.path}`;
        process.env["CHAIN138_CACHE"] = path.join(box.root, "workspace-cache");
        try {
            const workspace = openPulumiWorkspace({ stack: "dev", dir: path.join(box.root, "workspace"), stateDir: path.join(box.root, "workspace-state") });
            assert.equal(workspace.env["PATH"]?.split(":")[0], official);
            const host = spawnSync("bash", ["-c", "command -v pulumi-language-nodejs"], { env: workspace.env, encoding: "utf8" }).stdout.trim();
            assert.equal(host, path.join(official, "pulumi-language-nodejs"));
            const version = await workspace.runOk(["version"]);
            assert.equal(version.trim(), `v${MAJOR}.${MINOR + 1}.0`);
        } finally {
            for (const [key, value] of Object.entries(saved)) {
                if (value === undefined) delete process.env[key];
                else process.env[key] = value;
            }
        }
    });
});
