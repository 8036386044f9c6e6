/**
 * The log lines Lambda writes around each invocation (START, END, REPORT), and the tail the Invoke API returns
 * for `LogType: Tail`. Fields of the REPORT line are tab-separated as in CloudWatch Logs.
 */

/** What a REPORT line says about one invocation. */
export interface ReportFields {
  requestId: string;
  durationMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  /** Present on a cold start: how long the container's init (loading the module) took. */
  initDurationMs?: number;
  /** `timeout` or `error` when the runtime ended the invocation (Lambda adds `Status` then). */
  status?: 'timeout' | 'error';
  errorType?: string;
}

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST\n`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}\n`;
}

/**
 * The REPORT line. Billed Duration is rounded up to the millisecond and, on a cold start, includes the init, as
 * Lambda has billed the init phase of managed runtimes since August 2025.
 */
export function reportLine(report: ReportFields): string {
  const fields = [
    `REPORT RequestId: ${report.requestId}`,
    `Duration: ${report.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.ceil(report.durationMs + (report.initDurationMs ?? 0))} ms`,
    `Memory Size: ${report.memoryMb} MB`,
    `Max Memory Used: ${report.maxMemoryUsedMb} MB`,
  ];
  if (report.initDurationMs !== undefined) fields.push(`Init Duration: ${report.initDurationMs.toFixed(2)} ms`);
  if (report.status) fields.push(`Status: ${report.status}`);
  if (report.errorType) fields.push(`Error Type: ${report.errorType}`);
  return `${fields.join('\t')}\t\n`;
}

/** The last 4 KB of an invocation's log, base64-encoded: the Invoke API's `X-Amz-Log-Result`. */
export function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString('base64');
}
