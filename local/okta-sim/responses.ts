import type { SimResponse } from './types.js';

/** True for a `SimResponse` (handlers return either a value or the error response to send). */
export function isResponse(value: unknown): value is SimResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as SimResponse).status === 'number'
  );
}
