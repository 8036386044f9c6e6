/**
 * Okta error responses, built from Okta's own error catalogue (release 2026.08.1) so each code carries the
 * catalogue's HTTP status and summary.
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

/** The Okta error body shape: `{errorCode, errorSummary, errorLink, errorId, errorCauses}`. */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: Array<{ errorSummary: string }>;
}

export type OktaErrorFactory = (errorCode: string, causes?: string[], summaryArgument?: string) => SimResponse;

/**
 * Makes the `oktaError` function of one simulator. `summaryArgument` fills the catalogue's `{0}`
 * (e.g. "Api validation failed: login"); without it the first cause, then the bare summary, is used.
 */
export function createOktaErrors(random: Random): OktaErrorFactory {
  return (errorCode, causes = [], summaryArgument) => {
    const entry = catalogue.get(errorCode);
    if (!entry) throw new Error(`unknown Okta error code ${errorCode}`);
    const argument = summaryArgument ?? causes[0] ?? '';
    const errorSummary = entry.errorSummary.includes('{0}')
      ? entry.errorSummary.replace('{0}', argument).replace(/: $/, '')
      : entry.errorSummary;
    const body: OktaErrorBody = {
      errorCode,
      errorSummary,
      errorLink: errorCode,
      errorId: `oae${random.base62(22)}`,
      errorCauses: causes.map((cause) => ({ errorSummary: cause })),
    };
    return { status: entry.statusCode, body };
  };
}
