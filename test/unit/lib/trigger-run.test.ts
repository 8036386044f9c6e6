import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInput } from '../../../functions/lib/errors.js';
import { remainingTimeOf } from '../../../functions/lib/lambda-time.js';
import { logger } from '../../../functions/lib/observability.js';
import { runTrigger } from '../../../functions/lib/trigger-run.js';

afterEach(() => vi.restoreAllMocks());

describe('runTrigger', () => {
  it('returns the run result and hands it to done (the metrics and the log line)', async () => {
    const done = vi.fn();
    await expect(
      runTrigger({ failed: 'x failed', fields: {}, done }, () => Promise.resolve({ published: 3 })),
    ).resolves.toEqual({ published: 3 });
    expect(done).toHaveBeenCalledWith({ published: 3 });
  });

  it('logs a failure with its cause and the fields, and throws it as InternalError without the cause', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const cause = Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const done = vi.fn();
    const failing = runTrigger({ failed: 'Poll failed', fields: { connection: 'acme' }, done }, () =>
      Promise.reject(cause),
    );

    await expect(failing).rejects.toMatchObject({ name: 'InternalError' });
    await expect(failing).rejects.not.toHaveProperty('message', cause.message);
    expect(logged).toHaveBeenCalledWith('Poll failed', { connection: 'acme', error: cause });
    expect(done).not.toHaveBeenCalled();
  });

  it('passes a CONTRACT error on as it is', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const invalid = new InvalidInput([{ field: 'since', problem: 'must be an ISO 8601 date-time' }]);
    await expect(runTrigger({ failed: 'Replay failed', fields: {} }, () => Promise.reject(invalid))).rejects.toBe(
      invalid,
    );
  });
});

describe('remainingTimeOf', () => {
  it("reads the Lambda context's remaining time when there is one", () => {
    expect(remainingTimeOf({ getRemainingTimeInMillis: () => 1_234 })()).toBe(1_234);
  });

  it('allows 60 s from now without a context', () => {
    const remaining = remainingTimeOf(undefined)();
    expect(remaining).toBeGreaterThan(59_000);
    expect(remaining).toBeLessThanOrEqual(60_000);
  });
});
