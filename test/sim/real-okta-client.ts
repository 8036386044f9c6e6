/**
 * The raw HTTP calls the real-okta comparison tests make against the simulator, so each test reads status,
 * headers and body exactly as a recording stores them (`body` null when the answer has none).
 */
import type { OktaSim } from '../../local/okta-sim/index.js';

export interface RawAnswer {
  status: number;
  headers: Headers;
  /** Every `link` header line (fetch joins them; Okta sends one line per rel). */
  links: string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are compared key by key
  body: any;
}

/** Calls the simulated org with its SSWS token, as the recorded SDKs did. */
export function rawClient(sim: OktaSim): (method: string, path: string, body?: unknown) => Promise<RawAnswer> {
  return async (method, path, body) => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: {
        authorization: `SSWS ${sim.apiToken}`,
        accept: 'application/json',
        'content-type': 'application/json',
      },
      body: body === undefined ? (method === 'POST' || method === 'PUT' ? '' : undefined) : JSON.stringify(body),
    });
    const text = await response.text();
    const link = response.headers.get('link');
    return {
      status: response.status,
      headers: response.headers,
      links: link === null ? [] : link.split(/,\s*(?=<)/),
      body: text === '' ? null : JSON.parse(text),
    };
  };
}

let counter = 0;

/** A fresh profile with the four required attributes. */
export function newProfile(extra: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  const login = `real.okta.${counter}.${Date.now()}@example.com`;
  return { firstName: 'Real', lastName: `Okta${counter}`, email: login, login, ...extra };
}
