/**
 * Measurement 2, warm overhead: `get-user` called warm, again and again, in its own process; the simulator runs
 * in another process and times its own work on every request (bench/sim-server.ts). The overhead is the
 * function's latency minus the simulator's time, per percentile: the client code, the Lambda-side pipeline and the
 * HTTP transport. Beside it the SDK's `getUser`, and a bare `fetch` of the same request as a reference for what the
 * transport alone costs.
 */
import type { BenchContext } from '../bench-context.js';
import { runProbe } from '../child-process.js';
import type { WarmLatencyResult } from '../probes/warm-latency.js';
import { cell, type MeasurementResult } from '../report.js';
import { percentile, ratio, round } from '../statistics.js';

export interface WarmFigures {
  functionP50Ms: number;
  functionP99Ms: number;
  /** The simulator's own time for the request. */
  simP50Ms: number;
  simP99Ms: number;
  bareFetchP50Ms: number;
  bareFetchP99Ms: number;
  /** Function latency minus the simulator's own time, per percentile. */
  overheadP50Ms: number;
  overheadP99Ms: number;
  errors: number;
}

function figuresOf(result: WarmLatencyResult, simMs: number[]): WarmFigures {
  const f50 = percentile(result.functionMs, 50);
  const f99 = percentile(result.functionMs, 99);
  const s50 = percentile(simMs, 50);
  const s99 = percentile(simMs, 99);
  return {
    functionP50Ms: round(f50, 3),
    functionP99Ms: round(f99, 3),
    simP50Ms: round(s50, 3),
    simP99Ms: round(s99, 3),
    bareFetchP50Ms: round(percentile(result.baselineMs, 50), 3),
    bareFetchP99Ms: round(percentile(result.baselineMs, 99), 3),
    overheadP50Ms: round(f50 - s50, 3),
    overheadP99Ms: round(f99 - s99, 3),
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
    baseline: {
      url: `${sim.url}/api/v1/users/${userId}`,
      headers: { authorization: `SSWS ${sim.apiToken}`, accept: 'application/json' },
    },
    warmup: ctx.quick ? 30 : 100,
    iterations: ctx.quick ? 200 : 1000,
  };
  const probe = await ctx.probe('warmLatency');
  const run = async (bundle: string | undefined): Promise<WarmFigures | undefined> => {
    if (!bundle) return undefined;
    await sim.takeTimings();
    const { result } = await runProbe<WarmLatencyResult>(probe, { ...args, bundle }, ctx.env.functionEnv());
    // Every request of the run is the same GET /api/v1/users/{id}: the function's, the bare fetches, the warm-up's.
    const simMs = await sim.takeTimings();
    if (result.errors)
      notes.push(
        `${bundle.includes('sdk') ? 'SDK' : 'connector'}: ${result.errors} calls failed (${result.firstError ?? ''})`,
      );
    return figuresOf(result, simMs);
  };
  const o = await run(connector?.file);
  const t = await run(peer?.file);
  notes.push(
    `${args.iterations} warm calls each after ${args.warmup} of warm-up, alternating with a bare fetch (Node's fetch) of the same GET /api/v1/users/{id}; the SDK's response cache is off (bench/peers/okta-sdk-client.ts)`,
  );
  const row = (name: string, f: WarmFigures | undefined) => [
    name,
    cell(f?.functionP50Ms, 3),
    cell(f?.functionP99Ms, 3),
    cell(f?.simP50Ms, 3),
    cell(f?.simP99Ms, 3),
    cell(f?.overheadP50Ms, 3),
    cell(f?.overheadP99Ms, 3),
    cell(f?.bareFetchP50Ms, 3),
  ];
  return {
    id: 'warm-overhead',
    title: "2. Warm overhead of get-user (ms; overhead = latency - simulator's own time)",
    status: o && t ? 'measured' : o || t ? 'partial' : 'missing',
    notes,
    table: {
      columns: ['', 'p50', 'p99', 'sim p50', 'sim p99', 'overhead p50', 'overhead p99', 'bare fetch p50'],
      rows: [row('get-user (connector)', o), row('getUser (SDK)', t)],
    },
    figures: {
      iterations: args.iterations,
      connector: o,
      sdk: t,
      vsSdk:
        o && t
          ? {
              overheadP50: round(ratio(o.overheadP50Ms, t.overheadP50Ms) ?? Number.NaN, 3),
              overheadP99: round(ratio(o.overheadP99Ms, t.overheadP99Ms) ?? Number.NaN, 3),
            }
          : undefined,
    },
  };
}
