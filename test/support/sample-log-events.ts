/**
 * Every real LogEvent of the simulator's reference samples (`local/okta-sim/reference/samples`, their sources in
 * its SOURCES.md), the event hook delivery's events included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent } from '../../functions/lib/events/event-format.js';

const SAMPLES = new URL('../../local/okta-sim/reference/samples', import.meta.url).pathname;

/** Each sample LogEvent, labelled with its file and uuid. */
export function sampleEvents(): Array<[string, LogEvent]> {
  const out: Array<[string, LogEvent]> = [];
  for (const folder of readdirSync(SAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(SAMPLES, folder.name))) {
      const json: unknown = JSON.parse(readFileSync(join(SAMPLES, folder.name, file), 'utf8'));
      const delivered = (json as { data?: { events?: unknown[] } }).data?.events;
      const list = delivered ?? (Array.isArray(json) ? json : [json]);
      for (const item of list as Array<Record<string, unknown>>) {
        if (typeof item.uuid === 'string' && typeof item.eventType === 'string')
          out.push([`${file} ${item.uuid}`, item as LogEvent]);
      }
    }
  }
  return out;
}
