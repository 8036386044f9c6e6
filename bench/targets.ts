/**
 * The targets of issue 8, judged on the figures of one run. A target whose figures were not measured in the run is
 * `met: undefined` (n/a), never a pass. The thresholds are the issue's; how each is read is written beside it.
 */
import type { MeasurementResult, TargetResult } from './report.js';

type Figures = Record<string, unknown>;

function figuresOf(results: MeasurementResult[], id: string): Figures | undefined {
  const found = results.find((m) => m.id === id);
  return found && found.status !== 'missing' && found.status !== 'failed' ? found.figures : undefined;
}

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const fmt = (value: number | undefined, digits = 2) => (value === undefined ? 'not measured' : value.toFixed(digits));
const ms = (value: number | undefined, digits = 1) =>
  value === undefined ? 'not measured' : `${value.toFixed(digits)} ms`;

export function evaluateTargets(results: MeasurementResult[]): TargetResult[] {
  return [
    ...coldStartTargets(results),
    ...warmTargets(results),
    ...pagingTargets(results),
    ...hookTargets(results),
    ...pollerTargets(results),
    ...memoryTargets(results),
    ...runtimeTargets(results),
  ];
}

function runtimeTargets(results: MeasurementResult[]): TargetResult[] {
  const overhead = num(figuresOf(results, 'runtime')?.runtimeOverheadP50Ms);
  return [
    {
      measurement: 'runtime',
      target: "the local runtime's own overhead under 2 ms at p50 (a warm invocation through it versus a direct call)",
      measured: overhead === undefined ? 'not measured' : ms(overhead, 3),
      met: overhead === undefined ? undefined : overhead < 2,
    },
  ];
}

function coldStartTargets(results: MeasurementResult[]): TargetResult[] {
  const functions = figuresOf(results, 'cold-start')?.functions as
    Record<string, { vsSdk?: Record<string, number> }> | undefined;
  const targets: TargetResult[] = [];
  // Judged on every function that has an SDK peer; the worst ratio decides.
  const compared = Object.entries(functions ?? {}).filter(([, f]) => f.vsSdk);
  const worst = (key: string) => {
    const ratios = compared
      .map(([name, f]) => ({ name, value: num(f.vsSdk?.[key]) }))
      .filter((r) => r.value !== undefined);
    return ratios.sort((a, b) => (b.value as number) - (a.value as number))[0];
  };
  for (const [key, limit, label] of [
    ['coldStart', 0.2, 'cold start'],
    ['bundleBytes', 0.1, 'bundle size'],
    ['rssAfterLoad', 0.5, 'memory after loading'],
  ] as const) {
    const w = worst(key);
    targets.push({
      measurement: 'cold-start',
      target: `${label} at most ${limit} x the SDK version's`,
      measured: w ? `worst ${fmt(w.value, 3)} x (${w.name}; ${compared.length} functions with a peer)` : 'not measured',
      met: w ? (w.value as number) <= limit : undefined,
    });
  }
  return targets;
}

function warmTargets(results: MeasurementResult[]): TargetResult[] {
  const f = figuresOf(results, 'warm-overhead') as
    { connector?: Record<string, number>; sdk?: Record<string, number> } | undefined;
  const ours50 = num(f?.connector?.overheadP50Ms);
  const ours99 = num(f?.connector?.overheadP99Ms);
  const theirs50 = num(f?.sdk?.overheadP50Ms);
  const theirs99 = num(f?.sdk?.overheadP99Ms);
  return [
    {
      measurement: 'warm-overhead',
      target: "warm overhead no more than the SDK's (p50 and p99)",
      measured: `p50 ${ms(ours50, 3)} vs SDK ${ms(theirs50, 3)}; p99 ${ms(ours99, 3)} vs SDK ${ms(theirs99, 3)}`,
      met:
        ours50 !== undefined && theirs50 !== undefined && ours99 !== undefined && theirs99 !== undefined
          ? ours50 <= theirs50 && ours99 <= theirs99
          : undefined,
    },
    {
      measurement: 'warm-overhead',
      target: 'warm overhead under 1 ms at p50',
      measured: ms(ours50, 3),
      met: ours50 === undefined ? undefined : ours50 < 1,
    },
  ];
}

function pagingTargets(results: MeasurementResult[]): TargetResult[] {
  const f = figuresOf(results, 'paging') as
    | {
        results?: Record<string, Record<string, { usersPerSecond: number; peakRssMB: number }>>;
        vsSdk?: Record<string, { usersPerSecond?: number }>;
        flatMemoryTolerance?: number;
      }
    | undefined;
  const targets: TargetResult[] = [];
  for (const action of ['search-users', 'get-group-members']) {
    const speed = num(f?.vsSdk?.[action]?.usersPerSecond);
    targets.push({
      measurement: 'paging',
      target: `${action}: at least 1.5 x the SDK's users per second`,
      measured: speed === undefined ? 'not measured' : `${fmt(speed)} x`,
      met: speed === undefined ? undefined : speed >= 1.5,
    });
    const runs = f?.results?.[action];
    const small = num(runs?.['5000']?.peakRssMB);
    const large = num(runs?.['20000']?.peakRssMB);
    const tolerance = f?.flatMemoryTolerance ?? 0.1;
    targets.push({
      measurement: 'paging',
      target: `${action}: memory does not grow with users (peak at 20,000 within ${tolerance * 100}% of 5,000)`,
      measured:
        small === undefined || large === undefined ? 'not measured' : `${fmt(small, 1)} MB -> ${fmt(large, 1)} MB`,
      met: small === undefined || large === undefined ? undefined : large <= small * (1 + tolerance),
    });
  }
  return targets;
}

function hookTargets(results: MeasurementResult[]): TargetResult[] {
  const p99 = num(figuresOf(results, 'event-hook')?.p99Ms);
  return [
    {
      measurement: 'event-hook',
      target: '100-event delivery answered in under 300 ms at p99',
      measured: ms(p99),
      met: p99 === undefined ? undefined : p99 < 300,
    },
  ];
}

function pollerTargets(results: MeasurementResult[]): TargetResult[] {
  type Poll = Record<string, unknown> | undefined;
  const f = figuresOf(results, 'poller') as
    { connector?: Poll; binding?: { limit?: number; connector?: Poll } } | undefined;
  const c = f?.connector;
  const b = f?.binding?.connector;
  const share = num(c?.shareOfCeiling);
  const bindingShare = num(b?.shareOfCeiling);
  const kept = typeof c?.reserveKept === 'boolean' ? c.reserveKept : undefined;
  const bindingKept = typeof b?.reserveKept === 'boolean' ? b.reserveKept : undefined;
  const perThousand = num(c?.requestsPer1000Events);
  // Each run ends on the page that says it caught up (or on the one it could not finish): one request per run
  // above one per 1,000 events is what "when the backlog allows" leaves.
  const runs = num(c?.runs);
  const events = num(c?.events);
  const allowed = runs !== undefined && events ? 1 + runs / (events / 1000) : undefined;
  const pct = (value: number | undefined) => (value === undefined ? 'not measured' : `${(value * 100).toFixed(1)}%`);
  const reserveText = (p: Poll) =>
    `lowest remaining ${String(p?.lowestRemaining)} of ${String(p?.limit)} (reserve ${String(p?.reserveRequests)}), ${String(p?.tooManyRequests)} 429s`;
  return [
    {
      measurement: 'poller',
      // Judged where the limit binds as well: at 120 a minute the backlog fits in one window's allowance.
      target: 'poller at 95% or more of the ceiling left after the reserve (at 120/min, and where the limit binds)',
      measured: `${pct(share)} at 120/min; ${pct(bindingShare)} at ${String(f?.binding?.limit ?? '-')}/min`,
      met: share === undefined ? undefined : share >= 0.95 && (bindingShare === undefined || bindingShare >= 0.95),
    },
    {
      measurement: 'poller',
      target: 'poller never dips into the reserve',
      measured:
        kept === undefined
          ? 'not measured'
          : `${reserveText(c)}; at ${String(f?.binding?.limit ?? '-')}/min ${b ? reserveText(b) : 'not measured'}`,
      met: kept === undefined ? undefined : kept && bindingKept !== false,
    },
    {
      measurement: 'poller',
      target: 'poller at one Okta request per 1,000 events',
      measured:
        perThousand === undefined
          ? 'not measured'
          : `${fmt(perThousand, 3)} requests per 1,000 events (${String(runs)} runs)`,
      met: perThousand === undefined || allowed === undefined ? undefined : perThousand <= allowed + 1e-9,
    },
  ];
}

function memoryTargets(results: MeasurementResult[]): TargetResult[] {
  const f = figuresOf(results, 'memory') as
    { rssLimitMB?: number; rssTargetMB?: number; functions?: Record<string, { peakRssMB: number }> } | undefined;
  const connector = Object.entries(f?.functions ?? {}).filter(([name]) => !name.startsWith('sdk:'));
  const worst = connector.sort((a, b) => b[1].peakRssMB - a[1].peakRssMB)[0];
  const limit = f?.rssTargetMB ?? f?.rssLimitMB ?? 128;
  return [
    {
      measurement: 'memory',
      target: `every function under ${limit} MB of peak RSS on its largest input`,
      measured: worst
        ? `largest ${fmt(worst[1].peakRssMB, 1)} MB (${worst[0]}; ${connector.length} functions)`
        : 'not measured',
      met: worst ? worst[1].peakRssMB < limit : undefined,
    },
  ];
}
