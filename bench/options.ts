/** The command line of `npm run bench`: `--only cold-start,paging` and `--quick` (fewer runs, smaller samples). */

export const measurementIds = [
  'cold-start',
  'warm-overhead',
  'paging',
  'event-hook',
  'poller',
  'memory',
  'runtime',
] as const;
export type MeasurementId = (typeof measurementIds)[number];

/** Where a full run writes its results (committed). */
export const FULL_RUN_OUT = 'bench/results/latest.json';

export interface BenchOptions {
  only: MeasurementId[];
  quick: boolean;
  /** Where the results go (default bench/results/latest.json; --quick runs default to a file git ignores). */
  out: string;
}

export function parseOptions(argv: string[]): BenchOptions {
  let only: MeasurementId[] = [...measurementIds];
  let quick = false;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--quick') quick = true;
    else if (flag === '--only') {
      const names = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = names.filter((n) => !(measurementIds as readonly string[]).includes(n));
      if (unknown.length > 0)
        throw new Error(`--only: unknown measurement ${unknown.join(', ')} (known: ${measurementIds.join(', ')})`);
      only = names as MeasurementId[];
    } else if (flag === '--out') out = value();
    else throw new Error(`unknown option ${arg} (known: --only <${measurementIds.join(',')}>, --quick, --out <file>)`);
  }
  return {
    only,
    quick,
    out: out ?? (quick || only.length < measurementIds.length ? 'bench/results/partial.tmp' : FULL_RUN_OUT),
  };
}
