/**
 * The okta-connector CLI: `invoke`, `connections`, `events`, `hooks`, `replay`. Exit codes: 0 done, 1 failed (the message
 * says what to do), 2 wrong usage (the message and where `--help` is).
 */
import { connections } from './connections.js';
import { CliError, processOutput, UsageError, type Output } from './cli-support.js';
import { events } from './events-tail.js';
import { hooks } from './hooks.js';
import { invoke } from './invoke.js';
import { replay } from './replay.js';

const USAGE = `Usage: okta-connector <command> [options]

Commands:
  invoke <action> --input <json>      run an action (against \`npm start\` by default)
  connections add|test|list|consent   manage the connections (Okta orgs) in Secrets Manager; start a consent
  events tail                         follow the events on the local bus
  hooks register|list|rotate|remove   the connections' Okta event hooks and their secrets (and hooks migrate)
  replay --since <time>               publish a past range of System Log events again

Run \`okta-connector <command> --help\` for a command's options.`;

const commands: Record<string, (args: string[], output: Output) => Promise<void>> = {
  invoke,
  connections,
  events,
  hooks,
  replay,
};

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[], output: Output = processOutput): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    output.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = commands[command];
  if (!run) {
    output.err(`okta-connector: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    await run(args, output);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(
        `okta-connector ${command}: ${error.message}\nRun \`okta-connector ${command} --help\` for its options.`,
      );
      return 2;
    }
    if (error instanceof CliError) {
      output.err(`okta-connector ${command}: ${error.message}`);
      return 1;
    }
    output.err(
      `okta-connector ${command}: failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    return 1;
  }
}
