/**
 * Okta's API errors. A handler (or any step of the server's pipeline) throws an `OktaApiError`; the server
 * catches it once and renders Okta's error body. Each code takes its HTTP status and summary from Okta's own
 * error catalogue (release 2026.08.1).
 */
import { readFileSync } from 'node:fs';
import type { Random } from './random.js';
import type { SimResponse } from './types.js';

interface CatalogueEntry {
  errorCode: string;
  statusCode: number;
  errorSummary: string;
}

const catalogue: Map<string, CatalogueEntry> = new Map(
  (
    JSON.parse(readFileSync(new URL('./reference/openapi/error-codes/error-codes.json', import.meta.url), 'utf8')) as {
      errors: CatalogueEntry[];
    }
  ).errors.map((entry) => [entry.errorCode, entry]),
);

/** The Okta error body, keys in Okta's order: `{errorCode, errorSummary, errorLink, errorId, errorCauses}`. */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: Array<{ errorSummary: string }>;
}

export interface OktaApiErrorOptions {
  /** The causes, each an `errorCauses[].errorSummary`. */
  causes?: string[];
  /** Fills the catalogue summary's `{0}` (e.g. "Api validation failed: login"); default: the first cause. */
  summaryArgument?: string;
  /** Overrides the catalogue's status (a fault injecting a 503 with E0000009's body). */
  status?: number;
  /** Headers sent with the error (`WWW-Authenticate`, rate-limit headers). */
  headers?: Record<string, string>;
}

/** An Okta API error to answer with; the status and summary are the catalogue's for `errorCode`. */
export class OktaApiError extends Error {
  readonly errorCode: string;
  readonly status: number;
  readonly errorSummary: string;
  readonly causes: string[];
  readonly headers: Record<string, string> | undefined;

  constructor(errorCode: string, options: OktaApiErrorOptions = {}) {
    const entry = catalogue.get(errorCode);
    if (!entry) throw new Error(`unknown Okta error code ${errorCode}`);
    const causes = options.causes ?? [];
    const argument = options.summaryArgument ?? causes[0] ?? '';
    const errorSummary = entry.errorSummary.includes('{0}')
      ? entry.errorSummary.replace('{0}', argument).replace(/: $/, '')
      : entry.errorSummary;
    super(`${errorCode}: ${errorSummary}`);
    this.name = 'OktaApiError';
    this.errorCode = errorCode;
    this.status = options.status ?? entry.statusCode;
    this.errorSummary = errorSummary;
    this.causes = causes;
    this.headers = options.headers;
  }
}

/** Renders an `OktaApiError` as Okta's answer; `errorId` is Okta's shape, `oae` and 22 base62 characters. */
export function renderOktaError(random: Random, error: OktaApiError): SimResponse {
  const body: OktaErrorBody = {
    errorCode: error.errorCode,
    errorSummary: error.errorSummary,
    errorLink: error.errorCode,
    errorId: `oae${random.base62(22)}`,
    errorCauses: error.causes.map((cause) => ({ errorSummary: cause })),
  };
  return { status: error.status, body, ...(error.headers ? { headers: { ...error.headers } } : {}) };
}
