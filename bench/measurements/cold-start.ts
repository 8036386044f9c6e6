/**
 * Measurement 1, cold start: each function bundled as the stack bundles it, its size, and the median over fresh
 * Node processes of loading the bundle and answering one invocation against the simulated org; beside it the same
 * action written with `@okta/okta-sdk-nodejs`. Memory after loading (RSS) is read in the same processes.
 */
import { expectedRefusal, invocationEvent } from '../action-inputs.js';
import type { BenchContext } from '../bench-context.js';
import { runProbe } from '../child-process.js';
import { peers } from '../connector-parts.js';
import type { ColdStartResult } from '../probes/cold-start.js';
import { cell, megabytes, type MeasurementResult } from '../report.js';
import { median, ratio, round } from '../statistics.js';

/** The connector's first poll reads the last 15 minutes (functions/lib/events/system-log.ts); the SDK peer is given the same. */
const POLL_LOOKBACK_MS = 15 * 60_000;

interface Sampled {
  bundleBytes: number;
  gzipBytes: number;
  runs: Array<ColdStartResult & { wallMs: number }>;
}

export interface ColdStartFigures {
  bundleBytes: number;
  gzipBytes: number;
  loadMs: number;
  invokeMs: number;
  /** load + first invocation, median over the runs. */
  coldStartMs: number;
  processWallMs: number;
  rssAfterLoadMB: number;
  peakRssMB: number;
  failedRuns: number;
  firstError?: string;
}

function figuresOf(sampled: Sampled, name: string): ColdStartFigures {
  const runs = sampled.runs;
  const failed = runs.filter((r) => r.error && r.error !== expectedRefusal(name));
  return {
    bundleBytes: sampled.bundleBytes,
    gzipBytes: sampled.gzipBytes,
    loadMs: round(median(runs.map((r) => r.loadMs))),
    invokeMs: round(median(runs.map((r) => r.invokeMs))),
    coldStartMs: round(median(runs.map((r) => r.loadMs + r.invokeMs))),
    processWallMs: round(median(runs.map((r) => r.wallMs))),
    rssAfterLoadMB: round(megabytes(median(runs.map((r) => r.rssAfterLoadBytes))) ?? Number.NaN),
    peakRssMB: round(megabytes(median(runs.map((r) => r.peakRssBytes))) ?? Number.NaN),
    failedRuns: failed.length,
    ...(failed[0] ? { firstError: `${failed[0].error}: ${failed[0].errorMessage ?? ''}`.slice(0, 200) } : {}),
  };
}

export async function measureColdStart(ctx: BenchContext): Promise<MeasurementResult> {
  const notes: string[] = [];
  const { sample } = await ctx.mainSim();
  const probe = await ctx.probe('coldStart');
  const runs = ctx.quick ? 3 : 5;
  const present = ctx.functions.filter((f) => f.exists);
  for (const missing of ctx.functions.filter((f) => !f.exists))
    notes.push(`${missing.name}: ${missing.entry} does not exist yet, not measured`);

  // Every subject, connector functions and SDK peers, is run once per round, so a change in the machine's load
  // during the measurement falls on all of them alike.
  const subjects: Array<{ key: string; name: string; peer: boolean }> = [
    ...present.map((f) => ({ key: f.name, name: f.name, peer: false })),
    ...Object.keys(peers).map((name) => ({ key: `sdk:${name}`, name, peer: true })),
  ];
  const sampled = new Map<string, Sampled>();
  const unbundled = new Set<string>();
  const baseline: Array<ColdStartResult & { wallMs: number }> = [];

  for (let run = 0; run < runs; run++) {
    const bare = await runProbe<ColdStartResult>(probe, { functionName: 'baseline' });
    baseline.push({ ...bare.result, wallMs: bare.wallMs });
    for (const subject of subjects) {
      if (unbundled.has(subject.key)) continue;
      let bundle;
      try {
        bundle = subject.peer ? await ctx.peerBundle(subject.name) : await ctx.connectorBundle(subject.name);
      } catch (error) {
        unbundled.add(subject.key);
        notes.push(`${subject.key}: does not bundle (${(error as Error).message.split('\n')[0]}), not measured`);
        continue;
      }
      if (!bundle) continue;
      const event =
        subject.peer && subject.name === 'poll-system-log'
          ? { since: new Date(Date.now() - POLL_LOOKBACK_MS).toISOString() }
          : invocationEvent(subject.name, sample, { run, runTag: ctx.runTag, hookSecret: ctx.env.hookSecret });
      const env = ctx.env.functionEnv();
      if (subject.name === 'poll-system-log') {
        // Each run polls from a cursor of its own, as a first poll of a new deployment would.
        const table = `bench-cold-${ctx.runTag}-${subject.peer ? 'sdk' : 'c'}-${run}`;
        await ctx.env.aws.createTable(table);
        env.TABLE_NAME = table;
      }
      try {
        const { result, wallMs } = await runProbe<ColdStartResult>(
          probe,
          { bundle: bundle.file, functionName: subject.name, event },
          env,
        );
        const entry = sampled.get(subject.key) ?? { bundleBytes: bundle.bytes, gzipBytes: bundle.gzipBytes, runs: [] };
        entry.runs.push({ ...result, wallMs });
        sampled.set(subject.key, entry);
      } catch (error) {
        notes.push(`${subject.key} run ${run}: the process failed (${(error as Error).message.slice(0, 200)})`);
      }
    }
  }

  const baselineFigures = {
    nodeStartMs: round(median(baseline.map((r) => r.nodeStartMs))),
    processWallMs: round(median(baseline.map((r) => r.wallMs))),
    rssMB: round(megabytes(median(baseline.map((r) => r.rssAfterLoadBytes))) ?? Number.NaN),
  };
  const functions: Record<string, unknown> = {};
  const rows: Array<Array<string | number | undefined>> = [];
  for (const subject of subjects) {
    const entry = sampled.get(subject.key);
    if (!entry) continue;
    const figures = figuresOf(entry, subject.name);
    const peerEntry = subject.peer ? undefined : sampled.get(`sdk:${subject.name}`);
    const peer = peerEntry ? figuresOf(peerEntry, subject.name) : undefined;
    const ratios = peer
      ? {
          coldStart: round(ratio(figures.coldStartMs, peer.coldStartMs) ?? Number.NaN, 3),
          bundleBytes: round(ratio(figures.bundleBytes, peer.bundleBytes) ?? Number.NaN, 3),
          rssAfterLoad: round(ratio(figures.rssAfterLoadMB, peer.rssAfterLoadMB) ?? Number.NaN, 3),
        }
      : undefined;
    functions[subject.key] = { ...figures, ...(ratios ? { vsSdk: ratios } : {}) };
    if (figures.failedRuns > 0)
      notes.push(
        `${subject.key}: ${figures.failedRuns}/${entry.runs.length} first invocations failed (${figures.firstError ?? ''}); their times are still counted`,
      );
    rows.push([
      subject.key,
      cell(figures.bundleBytes / 1024, 0),
      cell(figures.gzipBytes / 1024, 0),
      cell(figures.loadMs),
      cell(figures.invokeMs),
      cell(figures.coldStartMs),
      cell(figures.rssAfterLoadMB),
      ratios ? `${cell(ratios.coldStart, 3)} / ${cell(ratios.bundleBytes, 3)} / ${cell(ratios.rssAfterLoad, 3)}` : '',
    ]);
  }
  if (sampled.has('oauth-authorize') || sampled.has('oauth-callback'))
    notes.push(
      'oauth-authorize and oauth-callback answer 400, as they should: no consent was started, so the ticket and state they are given are unknown',
    );
  notes.push(
    `median of ${runs} fresh processes each; a bare Node process: ${baselineFigures.processWallMs} ms spawn-to-exit, ${baselineFigures.rssMB} MB RSS`,
  );
  const measuredAll = present.length === ctx.functions.length && sampled.size === subjects.length;
  return {
    id: 'cold-start',
    title: '1. Cold start (bundle, load + first invocation, RSS after load)',
    status: sampled.size === 0 ? 'failed' : measuredAll ? 'measured' : 'partial',
    notes,
    table: {
      columns: ['function', 'KB', 'gzip KB', 'load ms', 'invoke ms', 'cold ms', 'RSS MB', 'vs SDK (cold/size/RSS)'],
      rows,
    },
    figures: { runs, baseline: baselineFigures, functions },
  };
}
