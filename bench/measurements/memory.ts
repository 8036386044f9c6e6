/**
 * Measurement 6, memory: the peak RSS of each function, in a fresh process, on its largest input: a delivery of
 * 1,000 real-sized events for the event hook; a System Log holding over 1,000 new real-sized events (so full
 * pages of 1,000) for the poller, the searches, replay and the logons-by-IP action; 1,000 users per call for the
 * listing actions (over the 20,000-user org); one user or group for the others.
 */
import { expectedRefusal, invocationEvent } from '../action-inputs.js';
import type { BenchContext } from '../bench-context.js';
import { runProbe } from '../child-process.js';
import type { ColdStartResult } from '../probes/cold-start.js';
import { cell, megabytes, type MeasurementResult } from '../report.js';
import { median, round } from '../statistics.js';
import { eventTemplates, realSizedEvents } from '../sample-events.js';
import { heapFlags } from '../../local/runtime/container.js';

export const LARGEST_PAGE = 1000;
export const RSS_LIMIT_MB = 128;
/** Issue 18: every function under this on its largest input, so that each runs at 128 MB with room. */
export const RSS_TARGET_MB = 100;
const LOGON_IP = '203.0.113.77';
/** Run numbers no cold start uses, so a changing action gets a user of its own here too (bench/action-inputs.ts). */
const memoryRuns = [7, 8, 9];

export async function measureMemory(ctx: BenchContext): Promise<MeasurementResult> {
  const notes: string[] = [];
  const { sim, sample } = await ctx.mainSim();
  const paging = await ctx.pagingSim();
  const probe = await ctx.probe('coldStart');
  await addLogEvents(sim.url, LARGEST_PAGE, {});
  await addLogEvents(sim.url, LARGEST_PAGE, { eventType: 'user.session.start', client: { ipAddress: LOGON_IP } });

  const rows: Array<Array<string | number | undefined>> = [];
  const figures: Record<string, unknown> = {};
  const subjects = [
    ...ctx.functions.map((f) => ({ key: f.name, name: f.name, peer: false, exists: f.exists })),
    { key: 'sdk:poll-system-log', name: 'poll-system-log', peer: true, exists: true },
    { key: 'sdk:search-users', name: 'search-users', peer: true, exists: true },
    { key: 'sdk:get-group-members', name: 'get-group-members', peer: true, exists: true },
  ];
  for (const subject of subjects) {
    if (!subject.exists) {
      notes.push(`${subject.name}: does not exist yet, not measured`);
      continue;
    }
    const bundle = subject.peer
      ? await ctx.peerBundle(subject.name)
      : await ctx.connectorBundle(subject.name).catch(() => undefined);
    if (!bundle) {
      notes.push(`${subject.key}: does not bundle, not measured`);
      continue;
    }
    const env = ctx.env.functionEnv();
    const { args, input } = largestInput(subject.name, subject.peer);
    if (subject.name === 'search-users' || subject.name === 'get-group-members') {
      Object.assign(env, ctx.env.functionEnv('paging'));
    }
    const peaks: number[] = [];
    let failure: string | undefined;
    for (const run of memoryRuns) {
      if (subject.name === 'poll-system-log') {
        // A fresh cursor each time: every run reads the same pages of 1,000.
        const table = `bench-memory-${ctx.runTag}-${subject.peer ? 'sdk' : 'c'}-${run}`;
        await ctx.env.aws.createTable(table);
        env.TABLE_NAME = table;
      }
      const event =
        args.event ??
        (input === 'default'
          ? invocationEvent(subject.name, sample, { run, runTag: `${ctx.runTag}m`, hookSecret: ctx.env.hookSecret })
          : input);
      if (event === undefined && !args.hookDelivery) break;
      try {
        const { result } = await runProbe<ColdStartResult>(
          probe,
          { ...args, event, bundle: bundle.file, functionName: subject.name },
          env,
          180_000,
          // The heap Lambda's Node.js bootstrap gives a function of that size (a young generation of a tenth of the
          // memory): Node's defaults let the young generation grow several times larger than a 128 MB function's.
          heapFlags(RSS_LIMIT_MB),
        );
        peaks.push(megabytes(result.peakRssBytes) ?? Number.NaN);
        if (result.error && result.error !== expectedRefusal(subject.name))
          failure ??= `${result.error}: ${(result.errorMessage ?? '').slice(0, 150)}`;
      } catch (error) {
        failure ??= `the process failed (${(error as Error).message.slice(0, 200)})`;
      }
    }
    if (peaks.length === 0) {
      notes.push(`${subject.key}: ${failure ?? 'no input known'}, not measured`);
      continue;
    }
    const peak = round(median(peaks));
    figures[subject.key] = {
      peakRssMB: peak,
      runsMB: peaks.map((p) => round(p)),
      input: describe(subject.name),
      ...(failure ? { error: failure } : {}),
    };
    if (failure) notes.push(`${subject.key}: an invocation failed (${failure})`);
    rows.push([
      subject.key,
      describe(subject.name),
      cell(peak),
      cell(Math.max(...peaks)),
      peak < RSS_TARGET_MB ? 'yes' : 'NO',
    ]);
  }
  notes.push(
    `peak RSS = the process's own high-water mark (VmHWM) after loading and answering once, with the heap flags Lambda gives a ${RSS_LIMIT_MB} MB function (${heapFlags(RSS_LIMIT_MB).join(' ')}); median of ${memoryRuns.length} fresh processes per function, SDK peers alike`,
  );
  const measured = Object.keys(figures).length;
  return {
    id: 'memory',
    title: `6. Memory: peak RSS on the largest input (limit ${RSS_LIMIT_MB} MB)`,
    status: measured === 0 ? 'failed' : measured === subjects.length ? 'measured' : 'partial',
    notes,
    table: { columns: ['function', 'input', 'peak RSS MB', 'highest run', `< ${RSS_TARGET_MB} MB`], rows },
    figures: { rssLimitMB: RSS_LIMIT_MB, rssTargetMB: RSS_TARGET_MB, functions: figures },
  };

  function largestInput(
    name: string,
    peer: boolean,
  ): { args: { event?: unknown; hookDelivery?: unknown }; input: unknown } {
    const recent = () => ({ since: new Date(Date.now() - 15 * 60_000).toISOString(), until: new Date().toISOString() });
    switch (name) {
      case 'event-hook':
        return {
          args: { hookDelivery: { events: LARGEST_PAGE, authorization: ctx.env.hookSecret, repoRoot: ctx.repoRoot } },
          input: undefined,
        };
      case 'poll-system-log':
        return { args: {}, input: peer ? { since: recent().since } : { connection: 'default' } };
      case 'scheduled-search':
      case 'replay':
        return { args: {}, input: recent() };
      case 'get-logon-events-by-ip':
        return { args: {}, input: { ipAddress: LOGON_IP, since: recent().since, limit: LARGEST_PAGE } };
      case 'search-users':
        return { args: {}, input: { search: 'profile.login pr', limit: LARGEST_PAGE } };
      case 'get-group-members':
        return { args: {}, input: { groupId: paging.everyoneGroupId, limit: LARGEST_PAGE } };
      default:
        return { args: {}, input: 'default' };
    }
  }
}

function describe(name: string): string {
  switch (name) {
    case 'event-hook':
      return `delivery of ${LARGEST_PAGE} events`;
    case 'poll-system-log':
    case 'scheduled-search':
    case 'replay':
      return `>${LARGEST_PAGE} new events, pages of ${LARGEST_PAGE}`;
    case 'get-logon-events-by-ip':
      return `${LARGEST_PAGE} sign-ins from one IP`;
    case 'search-users':
    case 'get-group-members':
      return `${LARGEST_PAGE} users of 20,000`;
    default:
      return 'one request';
  }
}

/** Appends `count` real-sized events (with `override` applied) to the org's System Log, now. */
async function addLogEvents(orgUrl: string, count: number, override: Record<string, unknown>): Promise<void> {
  const events = realSizedEvents(count, eventTemplates()).map((event) => ({ ...event, ...override }));
  const response = await fetch(`${orgUrl}/__sim/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  if (!response.ok) throw new Error(`the simulator refused the events: ${response.status}`);
  await response.arrayBuffer();
}
