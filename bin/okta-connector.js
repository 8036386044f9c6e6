#!/usr/bin/env node
// The CLI's launcher. In the repository the CLI runs from its TypeScript sources through tsx (a devDependency), so an
// edit needs no build; the npm package ships no bin/*.ts and runs the compiled dist/bin/cli.js with node alone.
// Either way the CLI runs in this process, so signals and exit codes are its own.
import { existsSync } from 'node:fs';
import { Console } from 'node:console';
import process from 'node:process';
import { URL } from 'node:url';

// Set before any connector module loads: the functions' own logs (Powertools, console) go to stderr, so stdout
// holds only the command's output.
globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_DEV ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// The AWS SDK's own switch for its notice that it will require Node 22 from 2027: nine lines on stderr before every
// answer on Node 20, which the user did not ask for. Set it to false to see the notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const source = new URL('./cli.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import('../dist/bin/cli.js');
}
process.exitCode = await cli.runCli(process.argv.slice(2));
