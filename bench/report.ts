/**
 * What a run produces: per measurement its status, notes, a table for the terminal and the figures for
 * `bench/results/latest.json`; then the targets of issue 8, each met or missed with the measured figure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname } from 'node:path';

export type MeasurementStatus = 'measured' | 'partial' | 'missing' | 'failed' | 'skipped';

export interface Table {
  columns: string[];
  rows: Array<Array<string | number | undefined>>;
}

export interface MeasurementResult {
  id: string;
  title: string;
  status: MeasurementStatus;
  /** What is missing, what failed, how a figure was taken. */
  notes: string[];
  table?: Table;
  /** The figures, as written to latest.json. */
  figures: Record<string, unknown>;
}

export interface TargetResult {
  measurement: string;
  target: string;
  measured: string;
  /** undefined: not measured in this run (a part missing or skipped). */
  met: boolean | undefined;
}

export interface RunReport {
  generatedAt: string;
  machine: Record<string, unknown>;
  options: Record<string, unknown>;
  durationSeconds: number;
  measurements: MeasurementResult[];
  targets: TargetResult[];
}

export function machine(): Record<string, unknown> {
  const cores = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpu: cores[0]?.model ?? 'unknown',
    cores: cores.length,
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    // Other work on the machine widens every tail; the load averages at the end of the run say how much there was.
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** A number for the table: rounded, or '—' when absent. */
export function cell(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(digits);
}

export function megabytes(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : bytes / 1024 ** 2;
}

/** Prints each measurement's table and notes, then the targets. */
export function printReport(report: RunReport, write: (line: string) => void = console.log): void {
  for (const m of report.measurements) {
    write('');
    write(`== ${m.title} [${m.status}]`);
    if (m.table) for (const line of formatTable(m.table)) write(line);
    for (const note of m.notes) write(`  * ${note}`);
  }
  write('');
  write('== Targets (issue 8)');
  for (const line of formatTable({
    columns: ['', 'target', 'measured'],
    rows: report.targets.map((t) => [t.met === undefined ? 'n/a' : t.met ? 'MET' : 'MISSED', t.target, t.measured]),
  }))
    write(line);
  write('');
  write(
    `Done in ${report.durationSeconds.toFixed(0)} s on ${String(report.machine.cpu)} (${String(report.machine.cores)} cores), Node ${String(report.machine.node)}.`,
  );
}

export function formatTable(table: Table): string[] {
  const text = table.rows.map((row) => table.columns.map((_, i) => (row[i] === undefined ? '—' : String(row[i]))));
  const widths = table.columns.map((c, i) => Math.max(c.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
  return [line(table.columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)];
}

export function writeReport(report: RunReport, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
