/**
 * A local EventBridge endpoint: `PutEvents` over the AWS JSON 1.1 protocol, validated as AWS validates it, with
 * every accepted entry recorded (oldest first) and served as a JSON array at `GET /events`. Tests can make it
 * fail entries, throttle calls or answer slowly, to exercise the publisher's retries.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, readBody, startJsonProtocolServer, type RunningServer } from './json-protocol.js';

/** An entry as `PutEvents` received it (docs/CONTRACT.md §6). */
export interface RecordedEntry {
  Source: string;
  DetailType: string;
  /** The entry's `Detail`, as the JSON string that was sent. */
  Detail: string;
  /** ISO 8601: the entry's `Time`, or when the call was received if it had none (as AWS does). */
  Time: string;
  EventBusName: string;
  Resources?: string[];
}

/** Per-entry failure codes AWS answers with in a partial failure. */
export type EntryErrorCode = 'InternalFailure' | 'ThrottlingException';

export interface FailEntriesOptions {
  /** How many entries to fail (the next ones that match), 1 by default. */
  count?: number;
  errorCode?: EntryErrorCode;
  /** Only entries for which this returns true are failed; every entry by default. */
  match?: (entry: RecordedEntry) => boolean;
}

export interface LocalEventBridge {
  url: string;
  /** Every accepted entry, oldest first. */
  entries: () => RecordedEntry[];
  clear: () => void;
  /** Fails the next matching entries with a per-entry error (a partial failure of the call). */
  failEntries: (options?: FailEntriesOptions) => void;
  /** Answers the next `calls` PutEvents calls with 400 `ThrottlingException`. */
  throttle: (calls?: number) => void;
  /** Delays every following call by `ms` (0 to stop). */
  delay: (ms: number) => void;
  /** How many PutEvents calls arrived, throttled ones included. */
  callCount: () => number;
  /** How many PutEvents calls were answered `ThrottlingException` (by `throttle`). */
  throttledCount: () => number;
  /** Calls `listener` with every entry accepted from now on; returns the unsubscribe function. */
  onEntry: (listener: (entry: RecordedEntry) => void) => () => void;
  close: () => Promise<void>;
}

/** AWS's limits for PutEvents. */
const MAX_ENTRIES_PER_CALL = 10;
const MAX_REQUEST_ENTRY_SIZE = 256 * 1024;
const entryErrorMessages: Record<EntryErrorCode, string> = {
  InternalFailure: 'Internal Failure',
  ThrottlingException: 'Rate exceeded',
};

/** Starts the local EventBridge endpoint on 127.0.0.1:`port` (0 = any free port). */
export async function startLocalEventBridge(port = 0): Promise<LocalEventBridge> {
  const recorded: RecordedEntry[] = [];
  const failureRules: Array<Required<Omit<FailEntriesOptions, 'match'>> & Pick<FailEntriesOptions, 'match'>> = [];
  let throttledCalls = 0;
  let delayMs = 0;
  let calls = 0;
  let throttled = 0;
  const listeners = new Set<(entry: RecordedEntry) => void>();

  const putEvents = (input: Record<string, unknown>) => {
    const rawEntries = input.Entries;
    if (!Array.isArray(rawEntries) || rawEntries.length === 0) {
      throw new AwsError(
        'ValidationException',
        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
      );
    }
    if (rawEntries.length > MAX_ENTRIES_PER_CALL) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES_PER_CALL}`,
      );
    }
    // AWS: "You can batch multiple event entries into one request ... the total entry size must be less than 256KB."
    const totalSize = rawEntries.reduce((sum: number, entry: unknown) => sum + entrySize(entry), 0);
    if (totalSize > MAX_REQUEST_ENTRY_SIZE) {
      throw new AwsError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }
    const receivedAt = new Date().toISOString();
    const results = rawEntries.map((raw: unknown) => {
      const checked = checkEntry(raw, receivedAt);
      if ('ErrorCode' in checked) return checked;
      const injected = takeInjectedFailure(checked);
      if (injected) return { ErrorCode: injected, ErrorMessage: entryErrorMessages[injected] };
      recorded.push(checked);
      for (const listener of listeners) listener({ ...checked });
      return { EventId: crypto.randomUUID() };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const takeInjectedFailure = (entry: RecordedEntry): EntryErrorCode | undefined => {
    const rule = failureRules.find((r) => r.match === undefined || r.match(entry));
    if (!rule) return undefined;
    rule.count -= 1;
    if (rule.count <= 0) failureRules.splice(failureRules.indexOf(rule), 1);
    return rule.errorCode;
  };

  const api = {
    failEntries: ({ count = 1, errorCode = 'InternalFailure', match }: FailEntriesOptions = {}) => {
      failureRules.push({ count, errorCode, match });
    },
    throttle: (callsToThrottle = 1) => {
      throttledCalls += callsToThrottle;
    },
    delay: (ms: number) => {
      delayMs = ms;
    },
  };

  // Plain HTTP beside the protocol: `GET /events` (`EVENTS_URL`, docs/CONTRACT.md §1), `DELETE /events`, and
  // `POST /faults` `{failEntries?: {count, errorCode}, throttle?: calls, delay?: ms}` for tests in another process.
  const plainRoutes = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return true;
    };
    if (path === '/events' && req.method === 'GET') return reply(200, recorded);
    if (path === '/events' && req.method === 'DELETE') {
      recorded.length = 0;
      return reply(200, []);
    }
    if (path === '/faults' && req.method === 'POST') {
      let faults: { failEntries?: { count?: number; errorCode?: EntryErrorCode }; throttle?: number; delay?: number };
      try {
        faults = JSON.parse(await readBody(req)) as typeof faults;
      } catch {
        return reply(400, {
          message: 'the body must be JSON: {failEntries?: {count, errorCode}, throttle?: calls, delay?: ms}',
        });
      }
      if (faults.failEntries)
        api.failEntries({ count: faults.failEntries.count, errorCode: faults.failEntries.errorCode });
      if (typeof faults.throttle === 'number') api.throttle(faults.throttle);
      if (typeof faults.delay === 'number') api.delay(faults.delay);
      return reply(200, { ok: true });
    }
    return false;
  };

  const running: RunningServer = await startJsonProtocolServer(
    {
      targetPrefix: 'AWSEvents',
      operations: { PutEvents: putEvents },
      plainRoutes,
      beforeOperation: async () => {
        calls += 1;
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (throttledCalls > 0) {
          throttledCalls -= 1;
          throttled += 1;
          throw new AwsError('ThrottlingException', 'Rate exceeded');
        }
      },
    },
    port,
  );

  return {
    url: running.url,
    entries: () => recorded.map((entry) => ({ ...entry })),
    clear: () => {
      recorded.length = 0;
    },
    ...api,
    callCount: () => calls,
    throttledCount: () => throttled,
    onEntry: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: running.close,
  };
}

/** The size AWS counts for an entry: Time 14 bytes, then the UTF-8 bytes of Source, DetailType, Detail, Resources. */
export function entrySize(entry: unknown): number {
  if (entry === null || typeof entry !== 'object') return 0;
  const e = entry as Record<string, unknown>;
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  let size = e.Time === undefined || e.Time === null ? 0 : 14;
  size += bytes(e.Source) + bytes(e.DetailType) + bytes(e.Detail);
  if (Array.isArray(e.Resources)) size += e.Resources.reduce((sum: number, r: unknown) => sum + bytes(r), 0);
  return size;
}

function checkEntry(raw: unknown, receivedAt: string): RecordedEntry | { ErrorCode: string; ErrorMessage: string } {
  const entry = (raw ?? {}) as Record<string, unknown>;
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  const detail = entry.Detail as string;
  if (!isJsonObject(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  const recordedEntry: RecordedEntry = {
    Source: entry.Source as string,
    DetailType: entry.DetailType as string,
    Detail: detail,
    // The SDK sends Time as epoch seconds; it is recorded as ISO 8601 to be readable and comparable to `published`.
    Time: typeof entry.Time === 'number' ? new Date(entry.Time * 1000).toISOString() : receivedAt,
    EventBusName: typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName : 'default',
  };
  if (Array.isArray(entry.Resources)) recordedEntry.Resources = entry.Resources.map(String);
  return recordedEntry;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}
