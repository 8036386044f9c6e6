import { describe, expect, it } from 'vitest';
import { median, percentile, ratio, round, summarize } from '../../../bench/statistics.js';

describe('percentile', () => {
  it('returns the nearest-rank sample, never an interpolated value', () => {
    const samples = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(percentile(samples, 99)).toBe(198);
  });

  it('returns the smallest sample for p0 and the largest for p100', () => {
    expect([percentile([3, 1, 2], 0), percentile([3, 1, 2], 100)]).toEqual([1, 3]);
  });

  it('does not reorder the samples it is given', () => {
    const samples = [3, 1, 2];
    percentile(samples, 50);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('returns NaN for no samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it('rejects a percentile outside 0 to 100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('returns the middle sample of an odd count', () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it('returns the mean of the two middle samples of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('summarize', () => {
  it('reports count, min, max and mean beside the percentiles', () => {
    expect(summarize([2, 4, 6])).toMatchObject({ count: 3, min: 2, max: 6, mean: 4, p50: 4 });
  });
});

describe('ratio', () => {
  it('divides ours by the peer', () => {
    expect(ratio(50, 200)).toBe(0.25);
  });

  it.each([
    [1, 0],
    [undefined, 2],
    [1, undefined],
    [Number.NaN, 2],
  ])('is undefined for %s / %s', (ours, theirs) => {
    expect(ratio(ours, theirs)).toBeUndefined();
  });
});

describe('round', () => {
  it('keeps the given number of decimals', () => {
    expect(round(1.23456, 3)).toBe(1.235);
  });
});
