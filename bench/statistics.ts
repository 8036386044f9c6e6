/**
 * The few statistics the benchmarks report. Percentiles use the nearest-rank method on the sorted samples, so a
 * p99 over 200 samples is the second largest one: an observed figure, never an interpolated one.
 */

/** The sample at percentile `p` (0 to 100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be from 0 to 100 (got ${p})`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** The median: the mean of the two middle samples when their count is even. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  return samples.reduce((sum, x) => sum + x, 0) / samples.length;
}

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Count, min, p50, p90, p99, max and mean of a set of samples. */
export function summarize(samples: readonly number[]): Summary {
  return {
    count: samples.length,
    min: samples.length ? Math.min(...samples) : Number.NaN,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    max: samples.length ? Math.max(...samples) : Number.NaN,
    mean: mean(samples),
  };
}

/** `ours / theirs`, or undefined when either is missing or the peer is zero (a ratio that means nothing). */
export function ratio(ours: number | undefined, theirs: number | undefined): number | undefined {
  if (
    ours === undefined ||
    theirs === undefined ||
    !Number.isFinite(ours) ||
    !Number.isFinite(theirs) ||
    theirs === 0
  ) {
    return undefined;
  }
  return ours / theirs;
}

/** Rounds to `digits` decimals for the report (the JSON keeps what the table shows, not float noise). */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
