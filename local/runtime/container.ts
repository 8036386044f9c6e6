/**
 * One container: a child process running bootstrap.ts for one function, with that function's environment only
 * and the heap Lambda's Node.js runtime gives its memory size. It serves one invocation at a time; a timeout kills
 * it (SIGKILL, so the handler's work stops), and so does `kill()`. A container that exited is dead for good: the
 * pool (function-pool.ts) starts another.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { constants } from 'node:os';
import type { FromContainer, LambdaErrorPayload, ToContainer } from './protocol.js';

const BOOTSTRAP_FILE = fileURLToPath(new URL('./bootstrap.ts', import.meta.url));

/** Lambda's limit on a function's init (module load); a slower init is run again within the invocation's timeout. */
const INIT_LIMIT_MS = 10_000;

export interface ContainerSpec {
  /** The module to load (absolute path) and its exported handler. */
  moduleFile: string;
  handlerExport: string;
  memoryMb: number;
  /** The whole environment of the process: nothing of the parent's leaks in. */
  env: Record<string, string>;
  /** The working directory (Lambda's `LAMBDA_TASK_ROOT`; here the repository, so `--import tsx` resolves). */
  cwd: string;
}

/** `busy` from the moment an invocation is handed to it (its init included, on a cold start). */
export type ContainerState = 'idle' | 'busy' | 'dead';

/** What one invocation in this container gave. */
export interface ContainerInvocation {
  outcome: { ok: true; result: unknown } | { ok: false; error: LambdaErrorPayload };
  durationMs: number;
  /** The function's own output during the invocation (and during the init, on a cold start). */
  output: string;
  /** Set on the container's first invocation: how long its init took. */
  initDurationMs?: number;
  maxMemoryUsedMb: number;
  /** `timeout` when the invocation timed out, `error` when the runtime ended it (init error, exit, OOM). */
  status?: 'timeout' | 'error';
}

/**
 * The heap flags of Lambda's Node.js bootstrap (`/var/runtime/bootstrap` of the nodejs runtimes): a tenth of the
 * memory size is the new space (half of it each semi-space), the rest the old space.
 */
export function heapFlags(memoryMb: number): string[] {
  const newSpace = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMb - newSpace}`];
}

const live = new Set<ChildProcess>();
// Containers never outlive the runtime's process (they also exit on their own when the IPC channel closes).
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

let nextId = 1;

export class Container {
  readonly id = nextId++;
  state: ContainerState = 'busy';
  invocations = 0;
  initDurationMs?: number;
  maxMemoryUsedMb = 0;
  /** When the container last finished an invocation (epoch ms). */
  lastUsed = Date.now();
  private readonly child: ChildProcess;
  private readonly started = performance.now();
  private readonly init: Promise<LambdaErrorPayload | undefined>;
  private output = '';
  private rawStderr = '';
  private exitDescription?: string;
  private onMessage?: (message: FromContainer) => void;
  private onExit?: () => void;

  constructor(
    private readonly spec: ContainerSpec,
    /** Called once when the container dies (exits, is killed), for the pool to forget it. */
    private readonly onDead: (container: Container) => void = () => undefined,
  ) {
    this.child = fork(BOOTSTRAP_FILE, [spec.moduleFile, spec.handlerExport], {
      cwd: spec.cwd,
      env: spec.env,
      execArgv: ['--import', 'tsx', '--expose-gc', '--max-http-header-size=81920', ...heapFlags(spec.memoryMb)],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    live.add(this.child);
    // Output written around the bootstrap (a native crash, V8's out-of-memory report) arrives on the pipes.
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      this.rawStderr = (this.rawStderr + chunk.toString()).slice(-4096);
    });
    this.child.on('message', (message: FromContainer) => {
      if (message.type === 'log') this.output += message.text;
      else this.onMessage?.(message);
    });
    this.init = new Promise((resolve) => {
      this.onMessage = (message) => {
        if (message.type === 'ready') resolve(undefined);
        if (message.type === 'init-error') resolve(message.error);
      };
      this.onExit = () => resolve({ errorType: 'Runtime.ExitError', errorMessage: this.exitError() });
    });
    this.child.once('exit', (code, signal) => {
      this.exitDescription = signal ? `signal: ${signalText(signal)}` : `exit status ${code}`;
      this.state = 'dead';
      live.delete(this.child);
      this.onExit?.();
      this.onDead(this);
    });
  }

  get dead(): boolean {
    return this.state === 'dead';
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Runs one invocation; the container must be new or idle (the pool sees to it). */
  async invoke(requestId: string, event: unknown, timeoutMs: number): Promise<ContainerInvocation> {
    this.state = 'busy';
    this.ref(true);
    const cold = this.invocations === 0;
    this.invocations += 1;
    const initError = cold ? await this.waitForInit(requestId, timeoutMs) : undefined;
    if (cold && !this.dead) this.initDurationMs = performance.now() - this.started;
    if (initError) return this.failed(initError, 0, 'error');

    const begun = performance.now();
    const deadline = Date.now() + timeoutMs;
    const invocation = await new Promise<ContainerInvocation>((resolve) => {
      const finish = (
        outcome: ContainerInvocation['outcome'],
        status?: ContainerInvocation['status'],
      ): ContainerInvocation => ({
        outcome,
        durationMs: performance.now() - begun,
        output: this.takeOutput(),
        initDurationMs: cold ? this.initDurationMs : undefined,
        maxMemoryUsedMb: this.maxMemoryUsedMb,
        status,
      });
      const timer = setTimeout(() => {
        this.onExit = undefined;
        this.kill();
        this.output += `${new Date().toISOString()} ${requestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds\n`;
        resolve(finish({ ok: false, error: timedOut(timeoutMs) }, 'timeout'));
      }, timeoutMs);
      this.onMessage = (message) => {
        if (message.type !== 'result' || message.requestId !== requestId) return;
        clearTimeout(timer);
        this.maxMemoryUsedMb = Math.max(this.maxMemoryUsedMb, Math.round(message.maxRssKb / 1024));
        resolve(finish(message.outcome));
      };
      this.onExit = () => {
        clearTimeout(timer);
        resolve(finish({ ok: false, error: this.crashError(requestId) }, 'error'));
      };
      this.send({ type: 'invoke', requestId, event, deadline });
    });
    this.onMessage = undefined;
    this.onExit = undefined;
    if (!this.dead) {
      this.state = 'idle';
      this.lastUsed = Date.now();
      this.ref(false);
    }
    return invocation;
  }

  /** Ends the container at once (SIGKILL), as Lambda ends a timed-out or reclaimed execution environment. */
  kill(): void {
    if (this.dead) return;
    this.state = 'dead';
    this.child.kill('SIGKILL');
  }

  private async waitForInit(requestId: string, timeoutMs: number): Promise<LambdaErrorPayload | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<LambdaErrorPayload>((resolve) => {
      timer = setTimeout(() => {
        this.kill();
        resolve(timedOut(timeoutMs));
      }, INIT_LIMIT_MS + timeoutMs);
    });
    const error = await Promise.race([this.init, limit]);
    clearTimeout(timer);
    if (error?.errorType === 'Runtime.ExitError') return this.crashError(requestId);
    return error;
  }

  private failed(error: LambdaErrorPayload, durationMs: number, status: 'error'): ContainerInvocation {
    this.kill();
    return {
      outcome: { ok: false, error },
      durationMs,
      output: this.takeOutput(),
      initDurationMs: this.initDurationMs,
      maxMemoryUsedMb: this.maxMemoryUsedMb,
      status,
    };
  }

  /** How Lambda reports a runtime that exited mid-invocation: out of memory, or any other exit. */
  private crashError(requestId: string): LambdaErrorPayload {
    const outOfMemory = /JavaScript heap out of memory|Reached heap limit/.test(this.rawStderr);
    return {
      errorType: outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
      errorMessage: `RequestId: ${requestId} Error: ${this.exitError()}`,
    };
  }

  private exitError(): string {
    return `Runtime exited with error: ${this.exitDescription ?? 'signal: killed'}`;
  }

  private takeOutput(): string {
    const output = this.output;
    this.output = '';
    return output;
  }

  private send(message: ToContainer): void {
    if (this.child.connected) this.child.send(message);
  }

  /** An idle container does not keep the runtime's process alive; a busy one does. */
  private ref(busy: boolean): void {
    const handles = [this.child, this.child.channel, this.child.stdout, this.child.stderr] as Array<
      { ref(): void; unref(): void } | null | undefined
    >;
    for (const handle of handles) {
      if (busy) handle?.ref();
      else handle?.unref();
    }
  }
}

function timedOut(timeoutMs: number): LambdaErrorPayload {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
  };
}

/** A signal as Go's os/exec names it in Lambda's "Runtime exited with error: signal: …". */
function signalText(signal: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: 'killed',
    SIGABRT: 'aborted (core dumped)',
    SIGSEGV: 'segmentation fault',
    SIGTERM: 'terminated',
  };
  return names[signal] ?? `${signal} (${constants.signals[signal]})`;
}
