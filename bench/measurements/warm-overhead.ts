/**
 * Measurement 2, warm overhead: `get-user` called warm, again and again, in its own process; the simulator runs
 * in another process. The overhead is the function's time minus a bare `fetch` of the same Okta request from the
 * same process (which is the simulator's own time plus the loopback network). Beside it, the SDK's `getUser`.
 */
import type { BenchContext } from '../bench-context.js';
import { runProbe } from '../child-process.js';
import type { WarmLatencyResult } from '../probes/warm-latency.js';
import { cell, type MeasurementResult } from '../report.js';
import { percentile, ratio, round } from '../statistics.js';

export interface WarmFigures {
  functionP50Ms: number;
  functionP99Ms: number;
  baselineP50Ms: number;
  baselineP99Ms: number;
  /** Function minus bare fetch, per percentile. */
  overheadP50Ms: number;
  overheadP99Ms: number;
  errors: number;
}

function figuresOf(result: WarmLatencyResult): WarmFigures {
  const f50 = percentile(result.functionMs, 50);
  const f99 = percentile(result.functionMs, 99);
  const b50 = percentile(result.baselineMs, 50);
  const b99 = percentile(result.baselineMs, 99);
  return {
    functionP50Ms: round(f50, 3),
    functionP99Ms: round(f99, 3),
    baselineP50Ms: round(b50, 3),
    baselineP99Ms: round(b99, 3),
    overheadP50Ms: round(f50 - b50, 3),
    overheadP99Ms: round(f99 - b99, 3),
    errors: result.errors,
  };
}

export async function measureWarmOverhead(ctx: BenchContext): Promise<MeasurementResult> {
  const notes: string[] = [];
  const { sim, sample } = await ctx.mainSim();
  const connector = await ctx.connectorBundle('get-user');
  const peer = await ctx.peerBundle('get-user');
  if (!connector) notes.push('get-user: functions/actions/get-user.ts does not exist yet, not measured');
  const userId = sample.activeUserIds[0] ?? '';
  const args = {
    functionName: 'get-user',
    event: { userId },
    baseline: { url: `${sim.url}/api/v1/users/${userId}`, headers: { authorization: `SSWS ${sim.apiToken}`, accept: 'application/json' } },
    warmup: ctx.quick ? 30 : 100,
    iterations: ctx.quick ? 200 : 1000,
  };
  const probe = await ctx.probe('warmLatency');
  const run = async (bundle: string | undefined) =>
    bundle ? (await runProbe<WarmLatencyResult>(probe, { ...args, bundle }, ctx.env.functionEnv())).result : undefined;
  const ours = await run(connector?.file);
  const theirs = await run(peer?.file);
  const o = ours ? figuresOf(ours) : undefined;
  const t = theirs ? figuresOf(theirs) : undefined;
  for (const [who, r] of [['connector', ours], ['SDK', theirs]] as const) {
    if (r?.errors) notes.push(`${who}: ${r.errors} calls failed (${r.firstError ?? ''})`);
  }
  notes.push(`${args.iterations} warm calls each after ${args.warmup} of warm-up, alternating with a bare fetch of GET /api/v1/users/{id}`);
  const row = (name: string, f: WarmFigures | undefined) => [
    name, cell(f?.functionP50Ms, 3), cell(f?.functionP99Ms, 3), cell(f?.baselineP50Ms, 3), cell(f?.baselineP99Ms, 3),
    cell(f?.overheadP50Ms, 3), cell(f?.overheadP99Ms, 3),
  ];
  return {
    id: 'warm-overhead',
    title: '2. Warm overhead of get-user (ms; overhead = function - bare fetch)',
    status: o && t ? 'measured' : o || t ? 'partial' : 'missing',
    notes,
    table: {
      columns: ['', 'p50', 'p99', 'fetch p50', 'fetch p99', 'overhead p50', 'overhead p99'],
      rows: [row('get-user (connector)', o), row('getUser (SDK)', t)],
    },
    figures: {
      iterations: args.iterations,
      connector: o,
      sdk: t,
      vsSdk: o && t ? { overheadP50: round(ratio(o.overheadP50Ms, t.overheadP50Ms) ?? Number.NaN, 3), overheadP99: round(ratio(o.overheadP99Ms, t.overheadP99Ms) ?? Number.NaN, 3) } : undefined,
    },
  };
}
