/**
 * The running sandbox's addresses, written by `npm start` to `.local/sandbox.json` (or `OKTA_CONNECTOR_SANDBOX_FILE`)
 * and removed when it stops, so the CLI in another shell finds the sandbox without flags.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { REPO_ROOT } from './runtime.js';

export interface SandboxState {
  pid: number;
  orgUrl: string;
  actionsUrl: string;
  eventHookUrl: string;
  eventsUrl: string;
  /** The local Lambda Invoke API (`AWS_ENDPOINT_URL_LAMBDA`). */
  lambdaUrl: string;
  /** The environment of the sandbox's functions: the AWS endpoints and the connector's settings. */
  functionEnv: Record<string, string>;
}

/** Where the state file is. */
export function sandboxStateFile(env: Record<string, string | undefined> = process.env): string {
  return env.OKTA_CONNECTOR_SANDBOX_FILE || resolve(REPO_ROOT, '.local/sandbox.json');
}

export function writeSandboxState(state: SandboxState, file = sandboxStateFile()): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

export function removeSandboxState(file = sandboxStateFile()): void {
  rmSync(file, { force: true });
}

/** The state of a sandbox that is still running, or undefined. */
export function readSandboxState(file = sandboxStateFile()): SandboxState | undefined {
  let state: SandboxState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as SandboxState;
  } catch {
    return undefined;
  }
  try {
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined; // the sandbox that wrote it is gone
  }
}
