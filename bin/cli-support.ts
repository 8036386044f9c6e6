/**
 * What every command of the CLI shares: its errors (a usage error exits 2 with a hint, any other failure exits 1
 * with a message that says what to do), its output streams, argument parsing with `node:util` and the choice of
 * AWS target (the running sandbox's local endpoints, or the standard AWS settings).
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readSandboxState, type SandboxState } from '../local/sandbox-state.js';

/** A mistake in the command line: exit code 2, the message and a pointer to `--help`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure the user can act on: exit code 1 and the message. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars redraw one line then). */
  errIsTty: boolean;
  /** Everything on standard input (a secret given as `-`). */
  readStdin?: () => Promise<string>;
}

export const processOutput: Output = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
  errIsTty: Boolean(process.stderr.isTTY),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  },
};

/**
 * Reads the secrets of one command: each from a file, or `-` for standard input (once per command), never from the
 * command line, where shell history and the process list would keep it (issue 14 item 18). One trailing line end
 * is dropped; an empty secret is a UsageError naming the flag.
 */
export function secretReader(output: Output): (source: string, flag: string) => Promise<string> {
  let stdinUsed: string | undefined;
  return async (source, flag) => {
    let text: string;
    if (source === '-') {
      if (stdinUsed) throw new UsageError(`--${flag} and --${stdinUsed} cannot both read standard input (-)`);
      stdinUsed = flag;
      if (!output.readStdin) throw new UsageError(`--${flag} -: standard input cannot be read here`);
      text = await output.readStdin();
    } else {
      try {
        text = readFileSync(source, 'utf8');
      } catch {
        throw new UsageError(`--${flag}: cannot read the file ${source}`);
      }
    }
    const secret = text.replace(/\r?\n$/, '');
    if (secret === '') throw new UsageError(`--${flag}: the secret is empty`);
    return secret;
  };
}

type Options = NonNullable<ParseArgsConfig['options']>;
type HelpOption = { help: { type: 'boolean'; short: 'h' } };
/** What `parseArgs` returns for these options, named so the compiled declarations can name it too. */
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T & HelpOption; allowPositionals: true; strict: true }>
>;

/** Parses `args` strictly; an unknown flag or a missing value is a UsageError naming it. */
export function parseCommand<T extends Options>(args: string[], options: T): Parsed<T> {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '') : String(error),
    );
  }
}

/** A required string flag, or a UsageError naming it. */
export function required(value: string | boolean | undefined | (string | boolean)[], flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

/**
 * Points the AWS SDK at the running sandbox (`npm start`) unless `--aws` is given or an `AWS_ENDPOINT_URL_*` is
 * already set; returns the sandbox's state when it is used.
 */
export function chooseAwsTarget(useRealAws: boolean, output: Output): SandboxState | undefined {
  if (useRealAws || Object.keys(process.env).some((name) => name.startsWith('AWS_ENDPOINT_URL'))) return undefined;
  const state = readSandboxState();
  if (!state) return undefined;
  for (const [name, value] of Object.entries(state.functionEnv)) process.env[name] ??= value;
  process.env.AWS_ENDPOINT_URL_LAMBDA ??= state.lambdaUrl;
  output.err(`(using the local sandbox of npm start, pid ${state.pid}; --aws uses your AWS account instead)`);
  return state;
}

/** A time flag: ISO 8601, or an age such as `30m`, `2h`, `7d` (that long before now). */
export function parseTime(value: string, flag: string, now = Date.now()): string {
  const age = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (age) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now - Number(age[1]) * unit).toISOString();
  }
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed))
    throw new UsageError(
      `--${flag} must be an ISO 8601 time (2026-11-29T10:00:00Z) or an age such as 2h or 7d (got "${value}")`,
    );
  return new Date(parsed).toISOString();
}
