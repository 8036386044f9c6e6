/**
 * What must hold after every soak run, whatever was injected:
 * - every event of the org's System Log is on the bus exactly once for the run's connection (by uuid), and
 *   nothing else is;
 * - the poll cursor never moved back (each write's `after` position at or past the one before), nor did a search's;
 * - the search windows the cursor recorded follow each other without gap or overlap;
 * - every failure a caller saw is a CONTRACT error type, and the event hook answered Okta only 200 or 500 (a 4xx
 *   is never retried by Okta; a 502 would mean the handler threw).
 * Unhandled rejections are caught by the runner (soak.ts).
 */
import type { ScheduledSearchSummary } from '../../functions/triggers/scheduled-search.js';
import { httpStatusOf } from '../../functions/lib/errors.js';
import type { OktaSim } from '../../local/okta-sim/index.js';
import type { SoakWorld } from './soak-world.js';

/** A failure a caller saw: an action's error, a trigger run that threw. */
export interface Failure {
  where: 'action' | 'poll' | 'search' | 'drain';
  error: unknown;
}

export interface RunToCheck {
  sim: OktaSim;
  world: SoakWorld;
  connection: string;
  failures: Failure[];
  searchSummaries: ScheduledSearchSummary[];
  hookId: string;
}

const contractTypes = new Set(Object.keys(httpStatusOf));

/** The violations of one run; empty when every guarantee held. */
export function checkRun(run: RunToCheck): string[] {
  return [
    ...publishedExactlyOnce(run),
    ...pollCursorForwardOnly(run),
    ...searchWindowsContiguous(run),
    ...failuresAreContractTypes(run),
    ...hookAnswers(run),
  ];
}

function publishedExactlyOnce({ sim, world, connection }: RunToCheck): string[] {
  const counts = new Map<string, number>();
  for (const entry of world.aws.eventBridge.entries()) {
    if (entry.DetailType === 'Okta Event Search Results') continue;
    const detail = JSON.parse(entry.Detail) as { uuid: string; 'okta-connector'?: { connection?: string } };
    if (detail['okta-connector']?.connection !== connection) continue;
    counts.set(detail.uuid, (counts.get(detail.uuid) ?? 0) + 1);
  }
  const problems: string[] = [];
  const inLog = new Set<string>();
  for (const event of sim.org.logEvents()) {
    inLog.add(event.uuid);
    const count = counts.get(event.uuid) ?? 0;
    if (count !== 1) problems.push(`event ${event.uuid} (${event.eventType}) published ${count} times`);
  }
  for (const uuid of counts.keys())
    if (!inLog.has(uuid)) problems.push(`event ${uuid} published but not in the System Log`);
  return summarise(problems, 'publishing');
}

function pollCursorForwardOnly({ world, connection }: RunToCheck): string[] {
  const problems: string[] = [];
  const writes = world.cursorWrites
    .filter((w) => w.pk === `cursor#${connection}#poll`)
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < writes.length; i += 1) {
    const before = writes[i - 1]!;
    const after = writes[i]!;
    if (after.version === before.version) problems.push(`poll cursor version ${after.version} written twice`);
    if (position(after.next) < position(before.next))
      problems.push(`poll cursor moved back at version ${after.version}: ${after.next} after ${before.next}`);
  }
  const searchWrites = world.cursorWrites
    .filter((w) => w.pk.startsWith(`cursor#${connection}#search#`))
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < searchWrites.length; i += 1) {
    if (Date.parse(searchWrites[i]!.until ?? '') <= Date.parse(searchWrites[i - 1]!.until ?? '')) {
      problems.push(`search cursor moved back at version ${searchWrites[i]!.version}`);
    }
  }
  return problems;
}

/** The sim's polling cursor `after=<ms>_<sequence>`: the sequence is the position in persistence order. */
function position(next: string | undefined): number {
  const after = next ? new URL(next).searchParams.get('after') : null;
  return after ? Number(after.split('_')[1]) : -1;
}

function searchWindowsContiguous({ searchSummaries }: RunToCheck): string[] {
  const windows = searchSummaries
    .flatMap((summary) => summary.windows)
    .sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
  const problems: string[] = [];
  for (let i = 1; i < windows.length; i += 1) {
    if (windows[i]!.since !== windows[i - 1]!.until)
      problems.push(`search windows not contiguous: ${windows[i - 1]!.until} then ${windows[i]!.since}`);
  }
  return problems;
}

function failuresAreContractTypes({ failures }: RunToCheck): string[] {
  return failures
    .filter((f) => !(f.error instanceof Error) || !contractTypes.has(f.error.name))
    .map((f) => `${f.where} failed with a non-CONTRACT error: ${describe(f.error)}`);
}

function hookAnswers({ sim, hookId }: RunToCheck): string[] {
  const deliveries = sim.control.hookDeliveries() as Array<{ hookId: string; kind: string; status?: number }>;
  return deliveries
    .filter(
      (d) =>
        d.hookId === hookId && d.kind === 'deliver' && d.status !== undefined && d.status !== 200 && d.status !== 500,
    )
    .map((d) => `the event hook answered Okta ${d.status}`);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Long lists are cut to a few examples and a count, so a report stays readable. */
function summarise(problems: string[], what: string): string[] {
  if (problems.length <= 5) return problems;
  return [...problems.slice(0, 5), `… and ${problems.length - 5} more ${what} problems`];
}
