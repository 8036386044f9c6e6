/**
 * Installs the secret-leak check (leak-capture.ts) in every test file; imported by `test/setup.ts`.
 *
 * - stdout and stderr writes and console calls are captured (and still printed);
 * - every CONTRACT error body (`ConnectorError.toBody`, what HTTP callers and direct invokers see) is captured;
 * - `startOktaSim` and `startLocalAws` are wrapped, wherever they are imported from (tests, support harnesses,
 *   the local runtime), so the secrets they hold or receive are registered and the bus entries captured;
 * - after the file's tests, the file fails if any registered secret appeared in anything captured.
 */
import { format } from 'node:util';
import { afterAll, expect, vi } from 'vitest';
import { ConnectorError } from '../../functions/lib/errors.js';
import { captureText, findLeaks, isOutputMuted, watchLocalAws, watchSim } from './leak-capture.js';

type Write = typeof process.stdout.write;

function captureStream(stream: NodeJS.WriteStream, where: string): void {
  const write: Write = stream.write.bind(stream);
  stream.write = (chunk: unknown, ...rest: unknown[]) => {
    captureText(
      where,
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk),
    );
    if (isOutputMuted()) {
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  };
}

function captureConsole(): void {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      captureText(`console.${method}`, format(...args));
      if (!isOutputMuted()) original(...args);
    };
  }
}

function captureErrorBodies(): void {
  // Called below with `.call(this)`, on the error it belongs to.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const toBody = ConnectorError.prototype.toBody;
  ConnectorError.prototype.toBody = function capturedToBody(this: ConnectorError) {
    const body = toBody.call(this);
    captureText('error body', JSON.stringify(body));
    return body;
  };
}

captureStream(process.stdout, 'stdout');
captureStream(process.stderr, 'stderr');
captureConsole();
captureErrorBodies();

const SIM_MODULE = new URL('../../local/okta-sim/index.ts', import.meta.url).pathname;
const AWS_MODULE = new URL('../../local/aws/index.ts', import.meta.url).pathname;

vi.doMock(SIM_MODULE, async (importOriginal) => {
  const original = await importOriginal<typeof import('../../local/okta-sim/index.js')>();
  return {
    ...original,
    startOktaSim: async (...args: Parameters<typeof original.startOktaSim>) =>
      watchSim(await original.startOktaSim(...args)),
  };
});
vi.doMock(AWS_MODULE, async (importOriginal) => {
  const original = await importOriginal<typeof import('../../local/aws/index.js')>();
  return {
    ...original,
    startLocalAws: async (...args: Parameters<typeof original.startLocalAws>) =>
      watchLocalAws(await original.startLocalAws(...args)),
  };
});

afterAll(() => {
  const leaks = findLeaks().map((leak) => `${leak.label} appeared in ${leak.where}: …${leak.excerpt}…`);
  expect(leaks, 'secrets leaked into logs, error bodies or published events').toEqual([]);
});
