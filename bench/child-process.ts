/**
 * Runs a bench probe in a fresh `node` process and reads its one JSON result. A probe is a plain ES module (built
 * by `bundleProbe`), so nothing but Node and the code under measurement is loaded in the measured process. Its
 * stdout carries one line `BENCH_RESULT <json>`; anything else it prints (the function's own logs) is ignored.
 */
import { spawn } from 'node:child_process';

const RESULT_PREFIX = 'BENCH_RESULT ';

export interface ProbeRun<T> {
  result: T;
  /** Wall time from spawn to the result line, as the parent saw it. */
  wallMs: number;
}

/**
 * Spawns `node <nodeArgs> <probe>` with `args` in `BENCH_ARGS` (JSON) and `env` added; rejects on a non-zero exit
 * or timeout.
 */
export function runProbe<T>(
  probe: string,
  args: unknown,
  env: Record<string, string> = {},
  timeoutMs = 120_000,
  nodeArgs: string[] = [],
): Promise<ProbeRun<T>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, probe], {
      env: { ...process.env, ...env, BENCH_ARGS: JSON.stringify(args), NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let result: { value: T; wallMs: number } | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      // Only complete lines are looked at; the function's own log lines are dropped as they come.
      const lines = (stdout + chunk).split('\n');
      stdout = lines.pop() ?? '';
      const line = lines.find((l) => l.startsWith(RESULT_PREFIX));
      if (line && !result)
        result = { value: JSON.parse(line.slice(RESULT_PREFIX.length)) as T, wallMs: performance.now() - started };
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve({ result: result.value, wallMs: result.wallMs });
      else
        reject(
          new Error(
            `probe ${probe} ended (${signal ?? `exit ${code}`}) without a result: ${stderr.trim().slice(-800)}`,
          ),
        );
    });
  });
}

/** What a probe calls last: prints its result for `runProbe`. */
export function reportResult(value: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(value)}\n`);
}

/** The probe's arguments, as `runProbe` passed them. */
export function probeArgs<T>(): T {
  return JSON.parse(process.env.BENCH_ARGS ?? '{}') as T;
}
