#!/usr/bin/env node
// The CLI is TypeScript; tsx (installed by `npm ci`) loads it in this process, so signals and exit codes are its own.
import { Console } from 'node:console';
import process from 'node:process';
import { register } from 'tsx/esm/api';

// Set before any connector module loads: the functions' own logs (Powertools, console) go to stderr, so stdout
// holds only the command's output.
globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_DEV ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

register();
const { runCli } = await import('./cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
