import { describe, expect, it } from 'vitest';
import {
  InternalError,
  InvalidInput,
  InvalidUserState,
  OktaRateLimited,
  OktaNotFound,
  toConnectorError,
  httpStatusOf,
} from '../../../functions/lib/errors.js';

describe('errors', () => {
  it('names each error by its contract type so Step Functions can match it', () => {
    const error = new OktaNotFound('No user 00u1');
    expect(error.name).toBe('OktaNotFound');
    expect(error).toBeInstanceOf(Error);
    expect(error.httpStatus).toBe(404);
  });

  it('maps every contract type to the HTTP status of docs/CONTRACT.md §2', () => {
    expect(httpStatusOf).toEqual({
      InvalidInput: 400,
      UnknownConnection: 400,
      OktaValidationFailed: 400,
      OktaAuthFailed: 401,
      OktaForbidden: 403,
      OktaNotFound: 404,
      InvalidUserState: 409,
      OktaRateLimited: 429,
      OktaUnavailable: 502,
      InternalError: 500,
    });
  });

  it('builds the contract body with only the fields that are set', () => {
    const error = new OktaRateLimited('Okta rate limit', {
      oktaErrorCode: 'E0000047',
      oktaErrorId: 'abc',
      retryAfterSeconds: 12,
      causes: [],
    });
    expect(error.toBody()).toEqual({
      error: {
        type: 'OktaRateLimited',
        message: 'Okta rate limit',
        oktaErrorCode: 'E0000047',
        oktaErrorId: 'abc',
        retryAfterSeconds: 12,
      },
    });
  });

  it('names every bad field in an InvalidInput message', () => {
    const error = new InvalidInput([
      { field: 'userId', problem: 'is required' },
      { field: 'limit', problem: 'must be at most 200' },
    ]);
    expect(error.message).toBe('userId: is required; limit: must be at most 200');
    expect(error.fields).toHaveLength(2);
  });

  it('keeps the current status on InvalidUserState', () => {
    expect(new InvalidUserState('User is SUSPENDED', { currentStatus: 'SUSPENDED' }).currentStatus).toBe('SUSPENDED');
  });

  it('turns an unknown error into a generic InternalError that does not repeat its message', () => {
    const original = new Error('token=SSWS 00abc leaked?');
    const error = toConnectorError(original);
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).not.toContain('SSWS');
    expect(error.cause).toBe(original);
  });
});
