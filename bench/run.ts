/**
 * `npm run bench` (docs/CONTRACT.md §8): runs the measurements on the simulated org and the local AWS
 * endpoints, each beside the same work done with `@okta/okta-sdk-nodejs` where such a peer exists, prints a table
 * and writes `bench/results/latest.json`. A part of the project that does not exist yet is reported as missing.
 *
 *   npm run bench                                  every measurement, into bench/results/latest.json
 *   npm run bench -- --only cold-start,paging --quick
 */
import { createBenchContext, type BenchContext } from './bench-context.js';
import { measureColdStart } from './measurements/cold-start.js';
import { measureEventHookIngest } from './measurements/event-hook-ingest.js';
import { measureMemory } from './measurements/memory.js';
import { measurePaging } from './measurements/paging.js';
import { measurePollerCatchUp } from './measurements/poller-catch-up.js';
import { measureRuntimeOverhead } from './measurements/runtime-overhead.js';
import { measureWarmOverhead } from './measurements/warm-overhead.js';
import { updateBenchmarksMd } from './benchmarks-md.js';
import { FULL_RUN_OUT, parseOptions, type MeasurementId } from './options.js';
import { machine, printReport, writeReport, type MeasurementResult, type RunReport } from './report.js';
import { evaluateTargets } from './targets.js';

const measurements: Record<MeasurementId, { title: string; run: (ctx: BenchContext) => Promise<MeasurementResult> }> = {
  'cold-start': { title: '1. Cold start', run: measureColdStart },
  'warm-overhead': { title: '2. Warm overhead', run: measureWarmOverhead },
  paging: { title: '3. Paging', run: measurePaging },
  'event-hook': { title: '4. Event hook ingest', run: measureEventHookIngest },
  poller: { title: '5. Poller catch-up', run: measurePollerCatchUp },
  memory: { title: '6. Memory', run: measureMemory },
  runtime: { title: '7. Local runtime overhead', run: measureRuntimeOverhead },
};

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const ctx = await createBenchContext(options.quick);
  const results: MeasurementResult[] = [];
  try {
    for (const id of options.only) {
      const { title, run } = measurements[id];
      console.error(`[bench] ${title}…`);
      const stepStarted = performance.now();
      try {
        results.push(await run(ctx));
      } catch (error) {
        // One measurement failing must not hide the others; its failure is part of the report.
        results.push({
          id,
          title,
          status: 'failed',
          notes: [`failed: ${(error as Error).stack ?? String(error)}`.slice(0, 1500)],
          figures: {},
        });
      }
      console.error(`[bench] ${title} done in ${((performance.now() - stepStarted) / 1000).toFixed(1)} s`);
    }
  } finally {
    await ctx.close();
  }
  const report: RunReport = {
    generatedAt: new Date().toISOString(),
    machine: machine(),
    options: { only: options.only, quick: options.quick },
    durationSeconds: (performance.now() - started) / 1000,
    measurements: results,
    targets: evaluateTargets(results),
  };
  printReport(report);
  writeReport(report, options.out);
  console.log(`Results written to ${options.out}`);
  // Only a full run speaks for the project; a partial one leaves BENCHMARKS.md's figures alone.
  if (options.out === FULL_RUN_OUT && updateBenchmarksMd(report)) console.log('Figures written to BENCHMARKS.md');
}

await main();
