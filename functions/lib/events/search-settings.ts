/**
 * The scheduled searches a deployment runs (`SEARCHES`, docs/ARCHITECTURE.md settings): a JSON array of
 * `{connection, name, filter?, q?, schedule, window}`. `window` is the length of the time range one result covers:
 * an ISO 8601 duration (`PT15M`, `PT1H`, `P1D`), `"15 minutes"`, or a number of minutes.
 */
import { ConfigurationError } from '../configuration-error.js';

export interface SearchConfig {
  connection: string;
  name: string;
  filter?: string;
  q?: string;
  /** The EventBridge schedule expression, e.g. `rate(15 minutes)` (used by the stack, not here). */
  schedule: string;
  /** The window as configured. */
  window: string | number;
  windowMs: number;
}

/**
 * The searches of `SEARCHES` in `env` (config.ts reads them once per container; the sandbox reads its own);
 * throws a `ConfigurationError` naming the bad entry and field.
 */
export function readSearches(env: Record<string, string | undefined>): SearchConfig[] {
  const raw = env.SEARCHES?.trim();
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new ConfigurationError(
      'SEARCHES',
      'must be a JSON array of {connection, name, filter?, q?, schedule, window}',
    );
  }
  if (!Array.isArray(list)) throw new ConfigurationError('SEARCHES', 'must be a JSON array');
  return list.map((item, i) => checkSearch(item, i));
}

function checkSearch(item: unknown, index: number): SearchConfig {
  const bad = (field: string, problem: string) => new ConfigurationError(`SEARCHES[${index}].${field}`, problem);
  if (item === null || typeof item !== 'object') throw bad('', 'must be an object');
  const s = item as Record<string, unknown>;
  for (const field of ['connection', 'name', 'schedule'] as const) {
    if (typeof s[field] !== 'string' || s[field] === '') throw bad(field, 'is required (a non-empty string)');
  }
  for (const field of ['filter', 'q'] as const) {
    if (s[field] !== undefined && typeof s[field] !== 'string') throw bad(field, 'must be a string');
  }
  const window = s.window;
  const windowMs = typeof window === 'string' || typeof window === 'number' ? durationMs(window) : undefined;
  if (windowMs === undefined) throw bad('window', 'must be a duration such as "PT15M", "15 minutes" or 15 (minutes)');
  return {
    connection: s.connection as string,
    name: s.name as string,
    filter: s.filter as string | undefined,
    q: s.q as string | undefined,
    schedule: s.schedule as string,
    window: window as string | number,
    windowMs,
  };
}

const units: Record<string, number> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** A duration in ms: ISO 8601 (`PT15M`, `P1DT2H`), `"<n> minutes|hours|days|seconds"`, or a number of minutes. */
export function durationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return value > 0 ? value * 60_000 : undefined;
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(value.trim());
  if (iso && value.trim().length > 2) {
    const [, d = '0', h = '0', m = '0', s = '0'] = iso;
    const ms = Number(d) * units.day! + Number(h) * units.hour! + Number(m) * units.minute! + Number(s) * units.second!;
    return ms > 0 ? ms : undefined;
  }
  const words = /^(\d+)\s*(second|minute|hour|day)s?$/i.exec(value.trim());
  if (words) return Number(words[1]) * (units[(words[2] as string).toLowerCase()] as number);
  return undefined;
}
