/** Starts `bench/sim-server.ts` in a child process and waits for its `READY`. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { StartOktaSimOptions } from './okta-sim.js';

export interface SimProcess {
  url: string;
  apiToken: string;
  pid: number;
  /** The simulator's own time (ms) of each `/api/v1` request since the previous call. */
  takeTimings(): Promise<number[]>;
  stop(): Promise<void>;
}

export class SimMissing extends Error {
  override name = 'SimMissing';
}

export function startSimProcess(options: StartOktaSimOptions, timeoutMs = 120_000): Promise<SimProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/sim-server.ts'], {
    env: { ...process.env, BENCH_SIM_OPTIONS: JSON.stringify(options), NODE_NO_WARNINGS: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const timingWaiters: Array<(ms: number[]) => void> = [];
  return new Promise((resolve, reject) => {
    const values: Record<string, string> = {};
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the simulator did not print READY within ${timeoutMs} ms: ${stderr.slice(-500)}`));
    }, timeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('TIMINGS ')) {
          timingWaiters.shift()?.(JSON.parse(line.slice('TIMINGS '.length)) as number[]);
          continue;
        }
        const at = line.indexOf('=');
        if (at > 0) values[line.slice(0, at)] = line.slice(at + 1);
        if (line.trim() !== 'READY') continue;
        clearTimeout(timer);
        resolve({
          url: values.OKTA_ORG_URL ?? '',
          apiToken: values.OKTA_API_TOKEN ?? '',
          pid: child.pid ?? 0,
          takeTimings: () =>
            new Promise((done) => {
              timingWaiters.push(done);
              child.stdin?.write('timings\n');
            }),
          stop: () => stopChild(child),
        });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 3) reject(new SimMissing('the simulated org (local/okta-sim/index.ts) does not exist yet'));
      else reject(new Error(`the simulator exited (${code}) before READY: ${stderr.slice(-800)}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
