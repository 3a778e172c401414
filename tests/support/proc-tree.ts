// Linux process listing from /proc, for tests that must prove which processes a command left behind: a process
// is identified by pid *and* start time, so a pid the kernel hands out again later is never mistaken for it.
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import path from "node:path";

export interface ProcessInfo {
    pid: number;
    ppid: number;
    /** Process group (Pulumi starts each plugin in a group of its own). */
    pgid: number;
    /** One-letter state of /proc/<pid>/stat; "Z" is a zombie, which runs nothing and only awaits its reaper. */
    state: string;
    /** Clock ticks after boot at which the process started (field 22 of /proc/<pid>/stat). */
    startTime: number;
    argv: string[];
    /** Working directory ("" when unreadable). */
    cwd: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        // The command name (field 2) may hold spaces and parentheses: the fields after it follow the last ")".
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8")
            .split("\0")
            .filter((a) => a !== "");
        let cwd = "";
        try {
            cwd = readlinkSync(`/proc/${pid}/cwd`);
        } catch {
            // a zombie or another user's process
        }
        return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), state: fields[0], startTime: Number(fields[19]), argv, cwd };
    } catch {
        return undefined; // exited while we looked
    }
}

/** Every process visible in /proc. */
export function listProcesses(): ProcessInfo[] {
    return readdirSync("/proc")
        .filter((entry) => /^\d+$/.test(entry))
        .map((entry) => readProcess(Number(entry)))
        .filter((p): p is ProcessInfo => p !== undefined);
}

/** `root` and all its descendants, as they are now. */
export function processTree(root: number): ProcessInfo[] {
    const all = listProcesses();
    const inTree = new Set([root]);
    for (let grew = true; grew;) {
        grew = false;
        for (const p of all) {
            if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
                inTree.add(p.pid);
                grew = true;
            }
        }
    }
    return all.filter((p) => inTree.has(p.pid));
}

/** Whether `p` (the same process: pid and start time) still runs; a zombie does not. */
export function stillRunning(p: ProcessInfo): ProcessInfo | undefined {
    const now = readProcess(p.pid);
    return now !== undefined && now.startTime === p.startTime && now.state !== "Z" ? now : undefined;
}

/** Running processes whose working directory or command line lies in `dir`. */
export function processesIn(dir: string): ProcessInfo[] {
    const inside = (s: string) => s === dir || s.startsWith(dir + path.sep);
    return listProcesses().filter((p) => p.state !== "Z" && p.pid !== process.pid && (inside(p.cwd) || p.argv.some((a) => a.includes(dir))));
}

/** One line per process for assertion messages: pid, parent, state and the command line (shortened). */
export function describeProcesses(processes: readonly ProcessInfo[]): string {
    return processes.map((p) => `  pid ${p.pid} (parent ${p.ppid}, group ${p.pgid}, ${p.state}): ${p.argv.join(" ").slice(0, 200)}`).join("\n");
}
