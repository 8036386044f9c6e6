/* eslint-disable no-restricted-properties -- the one place that calls vitest's matchers (see below) */
import { expect } from 'vitest';

/**
 * vitest's asymmetric matchers, each the very matcher `expect.<name>` gives, typed `unknown` where vitest types them
 * `any` (vitest-dev/vitest#7015). An expected object or array that holds one keeps its type, so the type-aware lint
 * still checks it (an `any` there would be an unsafe assignment). Tests use these instead of `expect.<name>`.
 */
export const match = {
  any: (constructor: unknown): unknown => expect.any(constructor),
  anything: (): unknown => expect.anything(),
  stringContaining: (expected: string): unknown => expect.stringContaining(expected),
  stringMatching: (expected: string | RegExp): unknown => expect.stringMatching(expected),
  objectContaining: (expected: object): unknown => expect.objectContaining(expected),
  arrayContaining: (expected: unknown[]): unknown => expect.arrayContaining(expected),
  not: {
    stringContaining: (expected: string): unknown => expect.not.stringContaining(expected),
  },
};
