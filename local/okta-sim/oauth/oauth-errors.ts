/**
 * OAuth error responses of the org authorization server, taken from Okta's OAuth error catalogue
 * (`reference/openapi/error-codes/oauth2-error-codes.json`) by its internal code, so each carries Okta's status,
 * `error` and `error_description`.
 */
import { readFileSync } from 'node:fs';
import type { SimResponse } from '../types.js';

interface OAuthCatalogueEntry {
  statusCode: number;
  errorCode: string;
  internalErrorCode: string;
  errorDescription: string;
}

const catalogue: Map<string, OAuthCatalogueEntry> = new Map(
  (
    JSON.parse(
      readFileSync(new URL('../reference/openapi/error-codes/oauth2-error-codes.json', import.meta.url), 'utf8'),
    ) as { errors: OAuthCatalogueEntry[] }
  ).errors.map((entry) => [entry.internalErrorCode, entry]),
);

/** An OAuth error as Okta words it: the public `error`, its description and the HTTP status. */
export interface OAuthProblem {
  status: number;
  error: string;
  description: string;
}

/**
 * Looks up an internal code such as `client_assertion_invalid_audience`. The catalogue's `{0}` placeholders
 * were exported as "en"; `argument` replaces them (e.g. the configured grant types).
 */
export function oauthProblem(internalCode: string, argument?: string): OAuthProblem {
  const entry = catalogue.get(internalCode);
  if (!entry) throw new Error(`unknown OAuth error code ${internalCode}`);
  const description =
    argument === undefined ? entry.errorDescription : entry.errorDescription.replace(/\ben\b|\{0\}/, argument);
  return { status: entry.statusCode, error: entry.errorCode, description };
}

/** The token endpoint's JSON error response `{error, error_description}`. */
export function oauthErrorResponse(problem: OAuthProblem, headers: Record<string, string> = {}): SimResponse {
  return {
    status: problem.status,
    // Okta's no-cache headers are the server's, on every answer.
    headers,
    body: { error: problem.error, error_description: problem.description },
  };
}
