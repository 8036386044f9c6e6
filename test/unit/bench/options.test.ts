import { describe, expect, it } from 'vitest';
import { measurementIds, parseOptions } from '../../../bench/options.js';

describe('parseOptions', () => {
  it('runs every measurement into latest.json by default', () => {
    expect(parseOptions([])).toEqual({ only: [...measurementIds], quick: false, out: 'bench/results/latest.json' });
  });

  it('takes a comma-separated --only list', () => {
    expect(parseOptions(['--only', 'cold-start,paging']).only).toEqual(['cold-start', 'paging']);
  });

  it('takes --only=<list> as well', () => {
    expect(parseOptions(['--only=poller']).only).toEqual(['poller']);
  });

  it('writes a quick or partial run beside latest.json, not over it', () => {
    expect(parseOptions(['--quick']).out).toBe('bench/results/partial.tmp');
  });

  it('rejects an unknown measurement', () => {
    expect(() => parseOptions(['--only', 'cold-start,speed'])).toThrow(/unknown measurement speed/);
  });

  it('rejects an unknown option', () => {
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option --fast/);
  });
});
