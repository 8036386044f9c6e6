/**
 * The connector's most visible interface: how one Okta System Log event becomes one EventBridge entry
 * (docs/CONTRACT.md §3). `Detail` is the LogEvent with every field unchanged at the top level, so rules written for
 * Okta's own Log Streaming keep working, plus one field `"okta-connector"` saying where the event came from.
 *
 * A replayed event keeps `trigger: "poll"` (it was read from the System Log, the contract lists only
 * `event-hook | poll`) and carries `replayed: true`, so a rule can tell it apart with one more pattern field.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/** An Okta System Log event; only the fields the connector relies on are typed. */
export interface LogEvent {
  uuid: string;
  published: string;
  eventType: string;
  [field: string]: unknown;
}

export type Trigger = 'event-hook' | 'poll';

/** The field added to every published event. */
export interface ConnectorMark {
  connection: string;
  trigger: Trigger;
  /** When the connector received the event, ISO 8601. */
  receivedAt: string;
  /** Present (true) only on events republished by a replay. */
  replayed?: true;
  /** Paths of the fields shortened so the entry fits EventBridge's 256 KB; present only when something was. */
  trimmed?: string[];
}

export interface EntryTarget {
  /** The entries' `Source` (config `eventSource`). */
  source: string;
  eventBusName: string;
}

export const MARK_FIELD = 'okta-connector';

/** EventBridge's limit for one entry, and for the entries of one PutEvents call together. */
export const MAX_ENTRY_BYTES = 256 * 1024;

/** The size AWS counts for an entry: 14 bytes for Time, then the UTF-8 bytes of Source, DetailType, Detail, Resources. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  let size = entry.Time === undefined ? 0 : 14;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += bytes(resource);
  return size;
}

/**
 * The PutEvents entry of one LogEvent. An event whose entry would exceed 256 KB is published with its largest
 * string fields shortened, and their paths listed in `"okta-connector".trimmed`; it is never dropped.
 */
export function toEventEntry(event: LogEvent, mark: ConnectorMark, target: EntryTarget): PutEventsRequestEntry {
  const build = (detail: Record<string, unknown>): PutEventsRequestEntry => ({
    Source: target.source,
    DetailType: event.eventType,
    Time: eventTime(event.published),
    Detail: JSON.stringify(detail),
    EventBusName: target.eventBusName,
  });
  const entry = build({ ...event, [MARK_FIELD]: mark });
  if (entrySize(entry) <= MAX_ENTRY_BYTES) return entry;
  const withMark = (copy: Record<string, unknown>, trimmed: string[]) => ({
    ...copy,
    [MARK_FIELD]: { ...mark, trimmed },
  });
  const fitted = trimToFit(event, (copy, trimmed) => entrySize(build(withMark(copy, trimmed))));
  return build(withMark(fitted.event, fitted.trimmed));
}

/** `published` as a Date; an unparsable value leaves Time unset (EventBridge then uses the time it received it). */
function eventTime(published: string): Date | undefined {
  const time = new Date(published);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

// Never shortened: what rules and dedupe match on.
const keptPaths = new Set(['uuid', 'published', 'eventType']);
const TRIMMED_SUFFIX = '…[trimmed by okta-connector]';

interface StringLeaf {
  path: string;
  parent: Record<string, unknown> | unknown[];
  key: string | number;
  bytes: number;
}

/**
 * Shortens the largest string fields of a copy of `event`, largest first, until `sizeOf` (the size of whatever
 * will carry the copy) fits 256 KB. When strings alone are not enough (huge arrays of numbers), the largest objects
 * and arrays are replaced by a placeholder string. Returns the copy and the paths of what was shortened.
 */
export function trimToFit(
  event: LogEvent,
  sizeOf: (copy: Record<string, unknown>, trimmed: string[]) => number,
): { event: Record<string, unknown>; trimmed: string[] } {
  const copy = structuredClone(event) as Record<string, unknown>;
  const trimmed: string[] = [];
  const leaves = stringLeaves(copy).sort((a, b) => b.bytes - a.bytes);
  const stringBytes = leaves.reduce((sum, leaf) => sum + leaf.bytes, 0);
  // Strings first, but only when shortening them can be enough: otherwise they would be cut for nothing.
  const stringsCanFit = sizeOf(copy, trimmed) - stringBytes < MAX_ENTRY_BYTES - 4_096;
  // The excess is estimated as fields are cut and measured again only when the estimate says it fits, so an event
  // of many small strings costs one serialisation per measurement, not one per field.
  let excess = sizeOf(copy, trimmed) - MAX_ENTRY_BYTES;
  for (const leaf of stringsCanFit ? leaves : []) {
    if (excess <= 0) excess = sizeOf(copy, trimmed) - MAX_ENTRY_BYTES;
    if (excess <= 0) break;
    const text = read(leaf) as string;
    // JSON escaping can make a character cost more than its UTF-8 bytes: the margin and the re-measure cover it.
    const keepBytes = Math.max(0, leaf.bytes - excess - Buffer.byteLength(TRIMMED_SUFFIX) - 64);
    const shortened = cutUtf8(text, keepBytes) + TRIMMED_SUFFIX;
    write(leaf, shortened);
    trimmed.push(leaf.path);
    excess -=
      leaf.bytes - Buffer.byteLength(JSON.stringify(shortened)) - Buffer.byteLength(JSON.stringify(leaf.path)) - 1;
  }
  for (
    let excess = sizeOf(copy, trimmed) - MAX_ENTRY_BYTES;
    excess > 0;
    excess = sizeOf(copy, trimmed) - MAX_ENTRY_BYTES
  ) {
    const largest = smallestContainerOver(copy, excess);
    if (!largest) break;
    write(largest, `[${largest.bytes} bytes trimmed by okta-connector]`);
    trimmed.push(largest.path);
  }
  return { event: copy, trimmed };
}

function stringLeaves(root: Record<string, unknown>): StringLeaf[] {
  const leaves: StringLeaf[] = [];
  const visit = (value: unknown, path: string, parent: StringLeaf['parent'], key: string | number) => {
    if (typeof value === 'string') {
      if (!keptPaths.has(path)) leaves.push({ path, parent, key, bytes: Buffer.byteLength(JSON.stringify(value)) });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`, value, i));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value))
        visit(v, path ? `${path}.${k}` : k, value as Record<string, unknown>, k);
    }
  };
  for (const [k, v] of Object.entries(root)) visit(v, k, root, k);
  return leaves;
}

/** The innermost object or array whose removal alone cuts `excess` bytes (or the largest one if none can). */
function smallestContainerOver(root: Record<string, unknown>, excess: number): StringLeaf | undefined {
  const containers = (value: unknown, path: string): StringLeaf[] => {
    const children: Array<[string | number, unknown]> = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value as object);
    return children
      .filter(([, v]) => v !== null && typeof v === 'object')
      .map(([k, v]) => ({
        path: typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k,
        parent: value as StringLeaf['parent'],
        key: k,
        bytes: Buffer.byteLength(JSON.stringify(v)),
      }));
  };
  const largestOf = (list: StringLeaf[]) => list.sort((a, b) => b.bytes - a.bytes)[0];
  let best = largestOf(containers(root, ''));
  for (
    let inner = best && largestOf(containers(read(best), best.path));
    inner && inner.bytes > excess;
    inner = largestOf(containers(read(inner), inner.path))
  ) {
    best = inner;
  }
  return best;
}

function read(leaf: StringLeaf): unknown {
  return (leaf.parent as Record<string | number, unknown>)[leaf.key];
}

function write(leaf: StringLeaf, value: string): void {
  (leaf.parent as Record<string | number, unknown>)[leaf.key] = value;
}

/** The longest prefix of `text` whose UTF-8 encoding is at most `maxBytes`, without splitting a character. */
function cutUtf8(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= maxBytes) return text;
  let end = maxBytes;
  // Back up over continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && ((buffer[end] as number) & 0xc0) === 0x80) end -= 1;
  return buffer.subarray(0, end).toString('utf8');
}
