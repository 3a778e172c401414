// A PATH made only of stand-in executables and links to named system tools, so a shell script under test sees
// exactly the commands a test means it to (this machine, or a developer's, may have a real pulumi, go or node).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface ToolSandbox {
    /** Temporary root; stand-ins go in `${root}/fakes`, links to real tools in `${root}/tools`. */
    readonly root: string;
    /** `${root}/fakes`, then `${root}/tools`: put extra directories in front with `pathWith`. */
    readonly path: string;
    /** PATH with `dirs` in front of the sandbox's own. */
    pathWith(...dirs: string[]): string;
    /** Writes an executable `#!/bin/sh` script `name` into `dir` (default: the fakes directory); returns its path. */
    fake(name: string, body: string, dir?: string): string;
    /** The lines a stand-in appended to `${root}/calls/<name>` (see `recordCall`), or [] when it never ran. */
    calls(name: string): string[];
    /** A shell line for a stand-in's body that records its arguments under `name`. */
    recordCall(name: string): string;
    /** Whether an optional tool was found on this machine (and so linked). */
    has(tool: string): boolean;
    remove(): void;
}

/**
 * `tools`: the system commands the script uses, linked from wherever this machine's PATH has them (a missing one is an
 * error); `optional`: ones only some machines have (flock is util-linux: not on macOS).
 */
export function toolSandbox(prefix: string, tools: readonly string[], optional: readonly string[] = []): ToolSandbox {
    // realpath: on macOS the temporary directory is behind a symlink (/var -> /private/var), and scripts that resolve
    // symlinks would print the other spelling.
    const root = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
    const fakes = path.join(root, "fakes");
    const linked = path.join(root, "tools");
    const callDir = path.join(root, "calls");
    for (const dir of [fakes, linked, callDir]) mkdirSync(dir);
    const present = new Set<string>();
    for (const tool of [...tools, ...optional]) {
        const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
        if (found === "") {
            if (optional.includes(tool)) continue;
            throw new Error(`the test needs ${tool} on this machine's PATH`);
        }
        symlinkSync(found, path.join(linked, tool));
        present.add(tool);
    }
    const sandboxPath = `${fakes}:${linked}`;
    return {
        root,
        path: sandboxPath,
        pathWith: (...dirs) => [...dirs, sandboxPath].join(":"),
        fake(name, body, dir = fakes) {
            mkdirSync(dir, { recursive: true });
            const file = path.join(dir, name);
            writeFileSync(file, `#!/bin/sh\n${body}\n`);
            chmodSync(file, 0o755);
            return file;
        },
        calls(name) {
            const file = path.join(callDir, name);
            return existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n") : [];
        },
        recordCall: (name) => `echo "$*" >> ${JSON.stringify(path.join(callDir, name))}`,
        has: (tool) => present.has(tool),
        remove: () => rmSync(root, { recursive: true, force: true }),
    };
}
