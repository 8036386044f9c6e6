import { describe, expect, it } from 'vitest';
import { figuresMarkdown } from '../../../bench/benchmarks-md.js';
import type { RunReport } from '../../../bench/report.js';

const report: RunReport = {
  generatedAt: '2026-11-29T10:00:00.000Z',
  machine: { cpu: 'AMD EPYC', cores: 2, memoryGB: 24, platform: 'linux', node: 'v20.20.2', loadAverage: [1, 2, 3] },
  options: {},
  durationSeconds: 300,
  measurements: [
    {
      id: 'event-hook',
      title: '4. Event hook ingest',
      status: 'measured',
      notes: ['one\n  note'],
      table: { columns: ['', 'p99 ms'], rows: [['event-hook | 100', '63.3']] },
      figures: {},
    },
  ],
  targets: [
    { measurement: 'event-hook', target: 'under 300 ms at p99', measured: '63.3 ms', met: true },
    { measurement: 'poller', target: 'reserve kept', measured: 'not measured', met: undefined },
  ],
};

describe('figuresMarkdown', () => {
  it('writes each table as a markdown table, escaping pipes in cells', () => {
    expect(figuresMarkdown(report)).toContain('| event-hook \\| 100 | 63.3 |');
  });

  it('writes each note on one line', () => {
    expect(figuresMarkdown(report)).toContain('- one note');
  });

  it('marks a target not measured as such, never as met', () => {
    expect(figuresMarkdown(report)).toContain('| not measured | reserve kept | not measured |');
  });
});
