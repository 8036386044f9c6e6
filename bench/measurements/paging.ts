/**
 * Measurement 3, paging: `search-users` and `get-group-members` through an org of 20,000 users, as a caller of
 * the contract pages (1,000 users per call, then `after`), beside the same actions written with the SDK's
 * auto-paging collections. Each run is a fresh process; its peak RSS after 5,000 and after 20,000 users shows
 * whether memory grows with the number of users. The org runs in its own process with limits no run comes near: this
 * measures throughput, and the same pages are asked of both sides.
 */
import type { BenchContext } from '../bench-context.js';
import { runProbe } from '../child-process.js';
import type { PagingResult } from '../probes/paging.js';
import { cell, megabytes, type MeasurementResult } from '../report.js';
import { median, ratio, round } from '../statistics.js';
import { PAGING_ORG_USERS } from '../bench-context.js';
import { SimMissing } from '../sim-process.js';

/** Peak RSS after 20,000 users may be at most this much above the peak after 5,000 to count as "not growing". */
export const FLAT_MEMORY_TOLERANCE = 0.1;

interface Subject {
  key: string;
  action: 'search-users' | 'get-group-members';
  peer: boolean;
}

export interface PagingFigures {
  users: number;
  calls: number;
  usersPerSecond: number;
  /** Users per second of the client's own time (the run minus the simulator's time for its pages). */
  usersPerClientSecond: number;
  /** Share of the run spent in the simulator. */
  simShare: number;
  peakRssMB: number;
  error?: string;
}

export async function measurePaging(ctx: BenchContext): Promise<MeasurementResult> {
  const notes: string[] = [];
  let everyone: string;
  let sim;
  try {
    ({ sim, everyoneGroupId: everyone } = await ctx.pagingSim());
  } catch (error) {
    if (error instanceof SimMissing)
      return { id: 'paging', title: '3. Paging', status: 'missing', notes: [error.message], figures: {} };
    throw error;
  }
  const probe = await ctx.probe('paging');
  const subjects: Subject[] = [
    { key: 'search-users', action: 'search-users', peer: false },
    { key: 'sdk:search-users', action: 'search-users', peer: true },
    { key: 'get-group-members', action: 'get-group-members', peer: false },
    { key: 'sdk:get-group-members', action: 'get-group-members', peer: true },
  ];
  const sizes = [5_000, PAGING_ORG_USERS];
  // A peak RSS moves by several MB from run to run with the garbage collector's timing: the median of two each.
  const repeats = ctx.quick ? 1 : 2;
  const runs = new Map<string, Array<PagingResult & { simMs: number }>>();
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const size of sizes) {
      for (const subject of subjects) {
        const bundle = subject.peer ? await ctx.peerBundle(subject.action) : await ctx.connectorBundle(subject.action);
        if (!bundle) continue;
        const input = subject.action === 'search-users' ? { search: 'profile.login pr' } : { groupId: everyone };
        await sim.takeTimings();
        const { result } = await runProbe<PagingResult>(
          probe,
          { bundle: bundle.file, functionName: subject.action, input, perCall: 1000, stopAfter: size },
          ctx.env.functionEnv('paging'),
          300_000,
        );
        const key = `${subject.key}@${size}`;
        // The simulator's own time for this run's pages: the client waits for each page in turn, so it adds up.
        const simMs = (await sim.takeTimings()).reduce((sum, ms) => sum + ms, 0);
        runs.set(key, [...(runs.get(key) ?? []), { ...result, simMs }]);
      }
    }
  }

  const figures: Record<string, Record<string, PagingFigures>> = {};
  const rows: Array<Array<string | number | undefined>> = [];
  for (const subject of subjects) {
    const bySize: Record<string, PagingFigures> = {};
    for (const size of sizes) {
      const results = runs.get(`${subject.key}@${size}`);
      if (!results) continue;
      const failed = results.find((r) => r.error);
      bySize[String(size)] = {
        users: results[0]?.users ?? 0,
        calls: results[0]?.calls ?? 0,
        usersPerSecond: round(median(results.map((r) => r.users / (r.ms / 1000))), 0),
        usersPerClientSecond: round(median(results.map((r) => r.users / ((r.ms - r.simMs) / 1000))), 0),
        simShare: round(median(results.map((r) => r.simMs / r.ms)), 3),
        peakRssMB: round(megabytes(median(results.map((r) => r.peakRssBytes))) ?? Number.NaN),
        ...(failed?.error ? { error: failed.error } : {}),
      };
      if (failed?.error) notes.push(`${subject.key} over ${size}: ${failed.error}`);
    }
    if (Object.keys(bySize).length === 0) {
      notes.push(
        `${subject.key}: ${subject.peer ? 'the peer' : `functions/actions/${subject.action}.ts`} does not exist yet, not measured`,
      );
      continue;
    }
    figures[subject.key] = bySize;
    const small = bySize[String(sizes[0])];
    const large = bySize[String(PAGING_ORG_USERS)];
    const growth = small && large ? large.peakRssMB / small.peakRssMB - 1 : undefined;
    rows.push([
      subject.key,
      cell(large?.users, 0),
      cell(large?.usersPerSecond, 0),
      large ? `${(large.simShare * 100).toFixed(0)}%` : undefined,
      cell(large?.usersPerClientSecond, 0),
      cell(small?.peakRssMB),
      cell(large?.peakRssMB),
      growth === undefined ? undefined : `${(growth * 100).toFixed(1)}%`,
    ]);
  }
  const vsSdk: Record<string, unknown> = {};
  for (const action of ['search-users', 'get-group-members']) {
    const ours = figures[action]?.[String(PAGING_ORG_USERS)];
    const theirs = figures[`sdk:${action}`]?.[String(PAGING_ORG_USERS)];
    if (ours && theirs) {
      vsSdk[action] = {
        usersPerSecond: round(ratio(ours.usersPerSecond, theirs.usersPerSecond) ?? Number.NaN, 3),
        usersPerClientSecond: round(ratio(ours.usersPerClientSecond, theirs.usersPerClientSecond) ?? Number.NaN, 3),
      };
    }
  }
  notes.push(
    `${repeats} run(s) of each size, median; 1,000 users per call (5 Okta pages of 200); each run a fresh process; rate limits out of reach in this org`,
  );
  return {
    id: 'paging',
    title: `3. Paging over ${PAGING_ORG_USERS.toLocaleString('en')} users`,
    status:
      Object.keys(figures).length === subjects.length
        ? 'measured'
        : Object.keys(figures).length > 0
          ? 'partial'
          : 'missing',
    notes,
    table: {
      columns: ['', 'users', 'users/s', 'in sim', 'users/s of client time', 'peak MB @5k', 'peak MB @20k', 'growth'],
      rows,
    },
    figures: {
      orgUsers: PAGING_ORG_USERS,
      flatMemoryTolerance: FLAT_MEMORY_TOLERANCE,
      perCall: 1000,
      results: figures,
      vsSdk,
    },
  };
}
