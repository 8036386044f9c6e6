/**
 * Keeps the figures in BENCHMARKS.md those of the latest full run: the part between the `figures:start` and
 * `figures:end` markers is rewritten from the run's report (machine, every table and note, the targets). The method
 * and the reading of the figures around it are written by hand.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { RunReport, Table } from './report.js';

const START = '<!-- figures:start (written by npm run bench) -->';
const END = '<!-- figures:end -->';

/** The markdown of a report's figures. */
export function figuresMarkdown(report: RunReport): string {
  const m = report.machine;
  const lines = [
    `Run of ${report.generatedAt} (${report.durationSeconds.toFixed(0)} s): ${String(m.cpu)}, ${String(m.cores)} cores, ${String(m.memoryGB)} GB,` +
      ` ${String(m.platform)}, Node ${String(m.node)}; load average at the end ${JSON.stringify(m.loadAverage)} (1, 5, 15 min).`,
    '',
  ];
  for (const measurement of report.measurements) {
    lines.push(`### ${measurement.title} (${measurement.status})`, '');
    if (measurement.table) lines.push(...markdownTable(measurement.table), '');
    for (const note of measurement.notes) lines.push(`- ${note.replace(/\s+/g, ' ')}`);
    lines.push('');
  }
  lines.push('### Targets', '');
  lines.push(
    ...markdownTable({
      columns: ['', 'target', 'measured'],
      rows: report.targets.map((t) => [
        t.met === undefined ? 'not measured' : t.met ? 'met' : '**missed**',
        t.target,
        t.measured,
      ]),
    }),
  );
  return lines.join('\n');
}

function markdownTable(table: Table): string[] {
  const escape = (value: string | number | undefined) =>
    value === undefined || value === '' ? '' : String(value).replace(/\|/g, '\\|');
  return [
    `| ${table.columns.map(escape).join(' | ')} |`,
    `|${table.columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...table.rows.map((row) => `| ${table.columns.map((_, i) => escape(row[i])).join(' | ')} |`),
  ];
}

/** Replaces the figures between the markers of `file`; false when the markers are not there. */
export function updateBenchmarksMd(report: RunReport, file = 'BENCHMARKS.md'): boolean {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  writeFileSync(file, `${text.slice(0, start + START.length)}\n${figuresMarkdown(report)}\n${text.slice(end)}`);
  return true;
}
