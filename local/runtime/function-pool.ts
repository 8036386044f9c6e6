/**
 * The containers of one function, as Lambda scales them: an invocation goes to an idle (warm) container, or starts
 * a new one (a cold start) while the function's concurrency allows it, or is throttled. A container idle for
 * longer than the idle time is dropped; a dead one (timed out, crashed) is forgotten, so the next invocation
 * starts a fresh one.
 *
 * Warm containers are picked least recently used first, so that sequential invocations spread over the warm
 * containers (Lambda does not say which warm container it picks; spreading shows bugs that live between them).
 */
import { LOCAL_RUNTIME_MARKER } from '../../functions/lib/config.js';
import { randomUUID } from 'node:crypto';
import { Container, type ContainerState } from './container.js';
import { endLine, reportLine, startLine } from './lambda-log.js';
import type { LambdaErrorPayload } from './protocol.js';

/** One function, resolved: where its code is and the settings the stack gives it. */
export interface FunctionConfig {
  /** The Lambda function name, e.g. `okta-connector-get-user`. */
  functionName: string;
  /** The module to load (absolute path) and its exported handler. */
  moduleFile: string;
  handlerExport: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Most containers at once; unset = the account's unreserved concurrency. */
  reservedConcurrency?: number;
  /** The function's own environment (the runtime adds Lambda's reserved variables). */
  environment: Record<string, string>;
  /** The containers' working directory (`LAMBDA_TASK_ROOT`). */
  taskRoot: string;
}

/** The account's concurrency, shared by every function without reserved concurrency. */
export interface AccountConcurrency {
  /** Most invocations in flight at once over the functions without reserved concurrency. */
  limit: number;
  /** In flight now over those functions. */
  unreserved: number;
  /** In flight now over every function, and the most there ever were. */
  inFlight: number;
  peakInFlight: number;
}

/** What an invocation gave: the handler's result or its error, and its log as Lambda writes it. */
export type InvokeOutcome = ({ ok: true; result: unknown } | { ok: false; error: LambdaErrorPayload }) & {
  requestId: string;
  durationMs: number;
  /** START, the function's lines, END and REPORT (empty when throttled: Lambda logs nothing then). */
  log: string;
  /** True on a cold start (a new container ran its init). */
  coldStart: boolean;
  /** Set when Lambda would have refused the invocation: which limit was reached. */
  throttled?: 'reserved' | 'account';
};

/** One container, as `stats()` shows it. */
export interface ContainerInfo {
  id: number;
  pid?: number;
  state: ContainerState;
  invocations: number;
  initDurationMs?: number;
  maxMemoryUsedMb: number;
}

/** One function's containers and counters, as `stats()` shows them. */
export interface FunctionStats {
  functionName: string;
  memoryMb: number;
  timeoutSeconds: number;
  reservedConcurrency?: number;
  containers: ContainerInfo[];
  /** Invocations in flight now, and the most there ever were at once. */
  busy: number;
  peakBusy: number;
  invocations: number;
  coldStarts: number;
  throttles: number;
  timeouts: number;
  /** Containers that exited mid-invocation (Runtime.ExitError, Runtime.OutOfMemory). */
  crashes: number;
}

export class FunctionPool {
  private readonly containers: Container[] = [];
  private readonly counts = { invocations: 0, coldStarts: 0, throttles: 0, timeouts: 0, crashes: 0, peakBusy: 0 };

  constructor(
    readonly config: FunctionConfig,
    private readonly account: AccountConcurrency,
    private readonly idleMs: number,
    private readonly onLog: (functionName: string, log: string) => void,
  ) {}

  /** Runs one invocation in a warm container, a new one, or throttles it. */
  async invoke(event: unknown): Promise<InvokeOutcome> {
    const requestId = randomUUID();
    const busy = this.busy();
    const reserved = this.config.reservedConcurrency;
    const throttled =
      reserved !== undefined
        ? busy >= reserved
          ? 'reserved'
          : undefined
        : this.account.unreserved >= this.account.limit
          ? 'account'
          : undefined;
    if (throttled) {
      this.counts.throttles += 1;
      return {
        ok: false,
        error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
        requestId,
        durationMs: 0,
        log: '',
        coldStart: false,
        throttled,
      };
    }
    const container = this.idleContainer() ?? this.startContainer();
    const unreserved = reserved === undefined ? 1 : 0;
    this.account.unreserved += unreserved;
    this.account.inFlight += 1;
    this.account.peakInFlight = Math.max(this.account.peakInFlight, this.account.inFlight);
    this.counts.invocations += 1;
    try {
      const cold = container.invocations === 0;
      if (cold) this.counts.coldStarts += 1;
      const pending = container.invoke(requestId, event, this.config.timeoutSeconds * 1000);
      this.counts.peakBusy = Math.max(this.counts.peakBusy, this.busy());
      const run = await pending;
      if (run.status === 'timeout') this.counts.timeouts += 1;
      if (!run.outcome.ok && /^Runtime\.(ExitError|OutOfMemory)$/.test(run.outcome.error.errorType))
        this.counts.crashes += 1;
      const log =
        startLine(requestId) +
        run.output +
        endLine(requestId) +
        reportLine({
          requestId,
          durationMs: run.durationMs,
          memoryMb: this.config.memoryMb,
          maxMemoryUsedMb: run.maxMemoryUsedMb,
          initDurationMs: run.initDurationMs,
          status: run.status,
          errorType: run.status === 'error' && !run.outcome.ok ? run.outcome.error.errorType : undefined,
        });
      this.onLog(this.config.functionName, log);
      if (container.state === 'idle') this.dropWhenIdle(container);
      return { ...run.outcome, requestId, durationMs: run.durationMs, log, coldStart: cold };
    } finally {
      this.account.unreserved -= unreserved;
      this.account.inFlight -= 1;
    }
  }

  stats(): FunctionStats {
    return {
      functionName: this.config.functionName,
      memoryMb: this.config.memoryMb,
      timeoutSeconds: this.config.timeoutSeconds,
      reservedConcurrency: this.config.reservedConcurrency,
      containers: this.containers.map((c) => ({
        id: c.id,
        pid: c.pid,
        state: c.state,
        invocations: c.invocations,
        initDurationMs: c.initDurationMs,
        maxMemoryUsedMb: c.maxMemoryUsedMb,
      })),
      busy: this.busy(),
      ...this.counts,
    };
  }

  /** Kills every container (the next invocation cold-starts). */
  close(): void {
    for (const container of [...this.containers]) container.kill();
  }

  private busy(): number {
    return this.containers.filter((c) => c.state === 'busy').length;
  }

  private idleContainer(): Container | undefined {
    const idle = this.containers.filter((c) => c.state === 'idle');
    return idle.sort((a, b) => a.lastUsed - b.lastUsed)[0];
  }

  private startContainer(): Container {
    const container = new Container(
      {
        moduleFile: this.config.moduleFile,
        handlerExport: this.config.handlerExport,
        memoryMb: this.config.memoryMb,
        env: lambdaEnvironment(this.config),
        cwd: this.config.taskRoot,
      },
      (dead) => {
        const at = this.containers.indexOf(dead);
        if (at >= 0) this.containers.splice(at, 1);
      },
    );
    this.containers.push(container);
    return container;
  }

  private dropWhenIdle(container: Container): void {
    const lastUsed = container.lastUsed;
    setTimeout(() => {
      if (container.state === 'idle' && container.lastUsed === lastUsed) container.kill();
    }, this.idleMs).unref();
  }
}

/**
 * A container's whole environment: the function's variables and the ones Lambda sets itself (which a function's
 * own settings cannot override). PATH is this machine's; nothing else of the runtime's process is passed on.
 */
function lambdaEnvironment(config: FunctionConfig): Record<string, string> {
  const region = config.environment.AWS_REGION ?? 'us-east-1';
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    ...config.environment,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: config.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    LAMBDA_TASK_ROOT: config.taskRoot,
    // Says "this is the sandbox, not AWS": the code refuses ALLOW_INSECURE_LOCAL_OKTA on real Lambda.
    [LOCAL_RUNTIME_MARKER]: 'true',
  };
}
