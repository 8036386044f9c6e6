/**
 * Keeps a test run's output to what failed and the summary: what the code under test writes straight to stdout and
 * stderr (the functions' JSON log lines, the AWS SDK's notices) is held back per test and printed, under the test's
 * name, only when that test failed. `TEST_LOGS=all` prints everything as it comes.
 *
 * Installed by `test/setup.ts` before the leak check, so the leak check still captures every line: it wraps the
 * writes this module holds back. Tests that read the log lines spy on the streams themselves and are not affected.
 */
import { beforeEach, onTestFailed } from 'vitest';

/** Held back per test at most; a runaway loop must not fill the memory of the worker. */
const MAX_HELD_BYTES = 4 * 1024 * 1024;

type Write = typeof process.stdout.write;
const held: string[] = [];
let heldBytes = 0;
const printErr: Write = process.stderr.write.bind(process.stderr);

function holdBack(stream: NodeJS.WriteStream): void {
  stream.write = (chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    if (heldBytes + text.length <= MAX_HELD_BYTES) {
      held.push(text);
      heldBytes += text.length;
    }
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
}

if (process.env.TEST_LOGS !== 'all') {
  holdBack(process.stdout);
  holdBack(process.stderr);
  beforeEach((context) => {
    // What a suite's setup wrote (its beforeAll) stays with its first test; every other test starts empty.
    if (context.task.name !== context.task.suite?.tasks[0]?.name) {
      held.length = 0;
      heldBytes = 0;
    }
    onTestFailed(() => {
      if (held.length === 0) return;
      printErr(`\n--- output of "${context.task.name}" (held back while it ran) ---\n${held.join('')}--- end ---\n`);
    });
  });
}
