/**
 * `npm run soak -- --runs N --seed S [--containers N]`: the fault-injection soak (soak.ts; `--containers`: action
 * calls at once, each in a container of its own), one progress line per run, then the
 * totals, then the refresh-token rotation scenario (soak-rotation.ts, `--rotations N`, 0 to skip). Exits 1 when any
 * run broke a guarantee. `--load` runs the load figures as well (load.ts).
 */
import '../support/quiet-env.js';
import { parseArgs } from 'node:util';
import { runSoak, type SoakReport } from './soak.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    load: { type: 'boolean', default: false },
    rotations: { type: 'string', default: '40' },
    containers: { type: 'string', default: '3' },
  },
});
const RUNS = Number(values.runs);
const SEED = Number(values.seed);
const ROTATIONS = Number(values.rotations);
const CONTAINERS = Number(values.containers);
const BAD_ARGUMENTS =
  !Number.isInteger(RUNS) ||
  RUNS < 1 ||
  !Number.isInteger(SEED) ||
  !Number.isInteger(ROTATIONS) ||
  ROTATIONS < 0 ||
  !Number.isInteger(CONTAINERS) ||
  CONTAINERS < 1;
if (BAD_ARGUMENTS) {
  console.error('usage: npm run soak -- [--runs N] [--seed S] [--containers N] [--rotations N] [--load]');
  process.exit(2);
}

const report = await runSoak({
  runs: RUNS,
  seed: SEED,
  containers: CONTAINERS,
  onRun: (run, index) => {
    const faults = Object.values(run.faults).reduce((sum, n) => sum + n, 0);
    console.log(
      `run ${String(index + 1).padStart(4)}/${RUNS} seed ${run.seed}: ${run.events} events, ${run.published} published, ` +
        `${run.actions.ok + run.actions.failed} actions (${run.actions.failed} failed), ${run.containers} containers, ${faults} faults, ${run.violations.length} violations, ${run.ms} ms`,
    );
    for (const violation of run.violations) console.log(`    VIOLATION ${violation}`);
  },
});
printReport(report);
if (ROTATIONS > 0) {
  const { runRotationSoak, rotationLines } = await import('./soak-rotation.js');
  const rotation = await runRotationSoak({
    rotations: ROTATIONS,
    seed: SEED,
    kills: Math.max(1, Math.floor(ROTATIONS / 10)),
  });
  console.log('');
  for (const line of rotationLines(rotation)) console.log(line);
  if (rotation.violations.length > 0) process.exitCode = 1;
}
if (values.load) {
  const { runLoad } = await import('./load.js');
  const load = await runLoad({ deliveries: 200, eventsPerDelivery: 100, actionCalls: 500 });
  console.log('\nload');
  for (const line of load.lines) console.log(`  ${line}`);
  if (!load.ok) process.exitCode = 1;
}
if (report.violations.length > 0) process.exitCode = 1;

function printReport(r: SoakReport): void {
  console.log(`\nsoak seed ${r.seed}: ${r.runs} runs in ${(r.ms / 1000).toFixed(1)} s`);
  console.log(`  events in the System Logs: ${r.events}; published once each: ${r.published}`);
  console.log(
    `  search result windows published: ${r.searchWindows.published} (${r.searchWindows.twice} of them twice: overlapping runs, or a cursor write lost after publishing)`,
  );
  console.log(`  actions: ${r.actions.ok + r.actions.failed} (${r.actions.failed} ended in a CONTRACT error)`);
  console.log(
    `  containers started (a fresh deployment per run): ${r.containers}; invocations lost to an init over Lambda's 10 s limit: ${r.initTimeouts}`,
  );
  console.log('  faults injected:');
  for (const [kind, count] of Object.entries(r.faults).sort()) console.log(`    ${kind.padEnd(34)} ${count}`);
  console.log(`  violations: ${r.violations.length}`);
  for (const v of r.violations.slice(0, 50)) console.log(`    run ${v.run + 1} (seed ${v.seed}): ${v.violation}`);
}
