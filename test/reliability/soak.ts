/**
 * The fault-injection soak (issue 9): `runSoak({runs, seed, containers})` plays `runs` seeded runs (soak-run.ts)
 * against one local AWS, each with a fresh simulated org and a fresh deployment whose functions run in containers, and reports the events, the faults injected by kind and every
 * violation of the guarantees (soak-checks.ts). Unhandled rejections during a run are violations of that run.
 * `npm run soak -- --runs N --seed S` (soak-cli.ts) prints it; a short fixed-seed run is part of `npm test`.
 */
import '../support/quiet-env.js';
import { soakRun, type RunResult } from './soak-run.js';
import { startSoakWorld } from './soak-world.js';

export interface SoakOptions {
  runs: number;
  seed: number;
  /** Action calls in flight at once, each in a container of its own (3 by default). */
  containers?: number;
  /** Called after each run (the CLI prints a progress line). */
  onRun?: (run: RunResult, index: number) => void;
}

export interface SoakReport {
  runs: number;
  seed: number;
  events: number;
  published: number;
  searchWindows: { published: number; twice: number };
  actions: { ok: number; failed: number };
  /** Containers started over the runs (cold starts), over every function. */
  containers: number;
  /** Invocations lost to an init slower than Lambda's limit (a loaded machine), reported apart. */
  initTimeouts: number;
  faults: Record<string, number>;
  violations: Array<{ run: number; seed: number; violation: string }>;
  ms: number;
}

/** The seed of run `index` of a soak seeded `seed`: distinct per run, the same every time. */
export function runSeed(seed: number, index: number): number {
  return (Math.imul(seed, 2_654_435_761) + index * 40_503 + 1) >>> 0;
}

/** Plays the soak and returns its report. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const report: SoakReport = {
    runs: 0,
    seed: options.seed,
    events: 0,
    published: 0,
    searchWindows: { published: 0, twice: 0 },
    actions: { ok: 0, failed: 0 },
    containers: 0,
    initTimeouts: 0,
    faults: {},
    violations: [],
    ms: 0,
  };
  const world = await startSoakWorld();
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    for (let index = 0; index < options.runs; index += 1) {
      const seed = runSeed(options.seed, index);
      const run = await soakRun(world, index, seed, { actionWorkers: options.containers ?? 3 });
      for (const reason of rejections.splice(0))
        run.violations.push(
          `unhandled rejection: ${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)}`,
        );
      report.runs += 1;
      report.events += run.events;
      report.published += run.published;
      report.searchWindows.published += run.searchWindows.published;
      report.searchWindows.twice += run.searchWindows.twice;
      report.actions.ok += run.actions.ok;
      report.actions.failed += run.actions.failed;
      report.containers += run.containers;
      report.initTimeouts += run.initTimeouts;
      for (const [kind, count] of Object.entries(run.faults)) report.faults[kind] = (report.faults[kind] ?? 0) + count;
      for (const violation of run.violations) report.violations.push({ run: index, seed, violation });
      options.onRun?.(run, index);
    }
  } finally {
    process.off('unhandledRejection', onRejection);
    await world.close();
  }
  report.ms = Date.now() - started;
  return report;
}
