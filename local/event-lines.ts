/**
 * One readable line per published event, for the sandbox's terminal:
 * `12:01:03 user.lifecycle.create  jdoe@example.com  via event-hook`.
 */
import type { RecordedEntry } from './aws/eventbridge.js';

interface LogEventDetail {
  actor?: { alternateId?: string };
  target?: Array<{ alternateId?: string; type?: string }>;
  'okta-connector'?: { trigger?: string; connection?: string; replayed?: boolean };
  search?: string;
  count?: number;
  part?: number;
  parts?: number;
}

/** The line for one entry put on the bus (local time of day of the event). */
export function eventLine(entry: RecordedEntry): string {
  const time = new Date(entry.Time).toTimeString().slice(0, 8);
  let detail: LogEventDetail = {};
  try {
    detail = JSON.parse(entry.Detail) as LogEventDetail;
  } catch {
    // the local bus only accepts JSON objects; keep the line short if it ever is not
  }
  if (detail.search !== undefined) {
    const part = detail.parts && detail.parts > 1 ? ` (part ${detail.part}/${detail.parts})` : '';
    return `${time} ${entry.DetailType}  ${detail.search}: ${detail.count ?? 0} events${part}  via search`;
  }
  const who =
    detail.target?.find((t) => t.type === 'User')?.alternateId ??
    detail.target?.[0]?.alternateId ??
    detail.actor?.alternateId ??
    '-';
  const meta = detail['okta-connector'];
  const via = `via ${meta?.trigger ?? 'unknown'}${meta?.replayed ? ' (replay)' : ''}`;
  const connection = meta?.connection && meta.connection !== 'default' ? `  [${meta.connection}]` : '';
  return `${time} ${entry.DetailType}  ${who}  ${via}${connection}`;
}
