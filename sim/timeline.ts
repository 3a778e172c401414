/** An SVG Gantt chart of a schedule: one row per region (or admin/chain), one bar per resource. */
import type { Phase } from "./latencies";
import type { Schedule } from "./schedule";

const COLOURS: Record<Phase, string> = {
    infra: "#4e79a7",
    kubernetes: "#59a14f",
    besu: "#f28e2b",
    contracts: "#b07aa1",
    local: "#bab0ac",
};

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Renders `panels` (e.g. the DAG schedule and the phase-barrier one) on one shared time axis. */
export function renderTimeline(title: string, panels: { label: string; schedule: Schedule }[]): string {
    // Rows that only hold zero-length work (components, in-process keys) would be empty lines.
    const rows = [...new Set(panels.flatMap((panel) => panel.schedule.tasks.filter((entry) => entry.end > entry.start).map((entry) => entry.task.row)))].sort();
    const horizon = Math.max(1, ...panels.map((panel) => panel.schedule.makespan));
    const left = 150;
    const width = 1100;
    const rowHeight = 14;
    const panelHeight = rows.length * rowHeight + 40;
    const scale = (seconds: number) => left + (seconds / horizon) * width;
    const parts: string[] = [];
    panels.forEach((panel, p) => {
        const top = 60 + p * panelHeight;
        parts.push(`<text x="10" y="${top - 8}" font-weight="bold">${escape(panel.label)}: ${(panel.schedule.makespan / 60).toFixed(1)} min</text>`);
        for (let minute = 0; minute * 60 <= horizon; minute += horizon > 3600 ? 10 : horizon > 1200 ? 5 : 1) {
            const x = scale(minute * 60).toFixed(1);
            parts.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${top + rows.length * rowHeight}" stroke="#ddd"/>`);
            parts.push(`<text x="${x}" y="${top + rows.length * rowHeight + 12}" font-size="9" text-anchor="middle">${minute}m</text>`);
        }
        rows.forEach((row, r) => {
            const y = top + r * rowHeight;
            parts.push(`<text x="10" y="${y + 10}" font-size="10">${escape(row)}</text>`);
            parts.push(`<line x1="${left}" x2="${left + width}" y1="${y + rowHeight}" y2="${y + rowHeight}" stroke="#eee"/>`);
        });
        for (const entry of panel.schedule.tasks) {
            if (entry.end - entry.start <= 0) continue;
            const y = top + rows.indexOf(entry.task.row) * rowHeight + 2;
            const x = scale(entry.start);
            const w = Math.max(1, scale(entry.end) - x);
            parts.push(
                `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowHeight - 4}" fill="${COLOURS[entry.task.phase]}" opacity="0.8">` +
                    `<title>${escape(entry.task.name)}: ${entry.start.toFixed(0)}–${entry.end.toFixed(0)} s${entry.throttled ? ` (${entry.throttled}× 429)` : ""}</title></rect>`,
            );
        }
    });
    const height = 60 + panels.length * panelHeight;
    const legend = Object.entries(COLOURS)
        .map(
            ([phase, colour], i) =>
                `<rect x="${10 + i * 110}" y="28" width="10" height="10" fill="${colour}"/><text x="${24 + i * 110}" y="37" font-size="11">${phase}</text>`,
        )
        .join("");
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 20}" height="${height}" font-family="sans-serif" font-size="12">`,
        `<rect width="100%" height="100%" fill="white"/>`,
        `<text x="10" y="17" font-weight="bold">${escape(title)}</text>`,
        legend,
        ...parts,
        `</svg>`,
    ].join("\n");
}
