/**
 * `npm start`: the whole connector on this machine (docs/CONTRACT.md §1 and §6). Prints `KEY=value` lines and
 * `READY` on stdout, then, when stdout is a terminal, one line per event put on the local bus; runs until SIGINT
 * or SIGTERM, then stops everything and exits 0.
 *
 * Function logs go to stderr (as they would go to CloudWatch), so stdout carries only what the CONTRACT promises.
 */
import { Console } from 'node:console';
import { eventLine } from './event-lines.js';
import { startSandbox } from './sandbox.js';
import { removeSandboxState, writeSandboxState } from './sandbox-state.js';

globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });

const print = (line: string) => process.stdout.write(`${line}\n`);
const note = (message: string) => process.stderr.write(`okta-connector: ${message}\n`);

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number or 0 (got "${process.env.PORT}")`);
  const started = Date.now();
  // Each invocation's log, as CloudWatch Logs would keep it, on stderr: one line each, after the function's name.
  const onLog = (functionName: string, log: string) => {
    for (const line of log.trimEnd().split('\n')) process.stderr.write(`${functionName} ${line}\n`);
  };
  const sandbox = await startSandbox({ port, note, onLog });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    note(`${signal}: stopping`);
    removeSandboxState();
    await sandbox.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  writeSandboxState({
    pid: process.pid,
    orgUrl: sandbox.orgUrl,
    actionsUrl: sandbox.actionsUrl,
    eventHookUrl: sandbox.eventHookUrl,
    eventsUrl: sandbox.eventsUrl,
    lambdaUrl: sandbox.lambdaUrl,
    functionEnv: sandbox.functionEnv,
  });
  print(`OKTA_ORG_URL=${sandbox.orgUrl}`);
  print(`OKTA_API_TOKEN=${sandbox.apiToken}`);
  print(`ACTIONS_URL=${sandbox.actionsUrl}`);
  print(`EVENT_HOOK_URL=${sandbox.eventHookUrl}`);
  print(`EVENTS_URL=${sandbox.eventsUrl}`);
  print(`LAMBDA_URL=${sandbox.lambdaUrl}`);
  print(`EVENT_HOOK_SECRET=${sandbox.eventHookSecret}`);
  print('READY');
  note(
    `ready in ${Date.now() - started} ms; connections: ${sandbox.connections.join(', ')}; ` +
      `schedules every ${sandbox.schedules.intervalSeconds} s; try: npx okta-connector invoke get-user --input '{"userId":"admin@okta-sim.example.com"}'`,
  );
  if (sandbox.connections.includes('kms')) {
    note('the kms connection signs in with a key held in the local KMS: npx okta-connector connections test kms');
  }
  if (process.stdout.isTTY) sandbox.aws.eventBridge.onEntry((entry) => print(eventLine(entry)));
}

main().catch((error: unknown) => {
  note(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
