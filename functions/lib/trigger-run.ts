/**
 * What the poller, the scheduled search and the replay do around their run: a failure (the table, the bus or Okta
 * failing past their retries) is logged with its cause and thrown as a CONTRACT error type, so a caller (a
 * schedule's retry, Step Functions) sees a typed error and nothing of the cause leaks; a success writes the
 * trigger's metrics and its one log line.
 */
import { toConnectorError } from './errors.js';
import { logger } from './observability.js';

export interface TriggerRun<T> {
  /** The log line's message when the run fails, e.g. 'System Log poll failed'. */
  failed: string;
  /** Fields written with that line (the connection, the search). */
  fields: Record<string, unknown>;
  /** Counts the run's metrics and writes its log line, given its result (the core's run may do it itself). */
  done?(result: T): void;
}

/** Runs `work` as a trigger run; see the file comment. */
export async function runTrigger<T>(run: TriggerRun<T>, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    logger.error(run.failed, { ...run.fields, error });
    throw toConnectorError(error);
  }
  run.done?.(result);
  return result;
}
