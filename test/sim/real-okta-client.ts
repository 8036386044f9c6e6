/**
 * The raw HTTP calls the real-okta comparison tests make against the simulator, so each test reads status,
 * headers and body exactly as a recording stores them (`body` null when the answer has none).
 */
import { afterAll, beforeAll } from 'vitest';
import { startOktaSim, type OktaSim, type StartOktaSimOptions } from '../../local/okta-sim/index.js';

/**
 * Okta's JSON as these tests walk it: a resource (user, group, app, event hook, membership) or an error. Only the
 * fields the tests read are named, each as Okta sends it when the answer has it; a list is `OktaJson[]`.
 */
export interface OktaJson {
  id: string;
  status: string;
  created: string;
  statusChanged: string | null;
  passwordChanged: string | null;
  profile: Record<string, unknown> & { name: string };
  credentials: unknown;
  channel: { config: { authScheme: unknown } };
  _links: Record<string, { hints: unknown }>;
  _embedded: { user: { id: string } };
  errorCode: string;
  errorSummary: string;
  errorId: string;
  errorCauses: unknown[];
}

/** An answer; `Body` is the JSON shape the test reads. */
export interface RawAnswer<Body = OktaJson> {
  status: number;
  headers: Headers;
  /** Every `link` header line (fetch joins them; Okta sends one line per rel). */
  links: string[];
  body: Body;
}

/** What a raw call takes and gives; the caller names the body's shape: `okta<OktaUser>('GET', ...)`. */
export type RawCall = <Body = OktaJson>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<RawAnswer<Body>>;

/**
 * Calls the simulated org with its SSWS token, as the recorded SDKs did; a string body is sent as it is (to send
 * malformed JSON), `headers` override the defaults.
 */
export function rawClient(sim: OktaSim): RawCall {
  return async <Body>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: {
        authorization: `SSWS ${sim.apiToken}`,
        accept: 'application/json',
        'content-type': 'application/json',
        ...headers,
      },
      body:
        body === undefined
          ? method === 'POST' || method === 'PUT'
            ? ''
            : undefined
          : typeof body === 'string'
            ? body
            : JSON.stringify(body),
    });
    const text = await response.text();
    const link = response.headers.get('link');
    return {
      status: response.status,
      headers: response.headers,
      links: link === null ? [] : link.split(/,\s*(?=<)/),
      body: (text === '' ? null : JSON.parse(text)) as Body,
    };
  };
}

/**
 * Starts one simulated org for a test file (before all its tests, closed after them) and returns accessors for
 * it and for its raw client.
 */
export function useSim(options: StartOktaSimOptions): { sim: () => OktaSim; okta: RawCall } {
  let sim: OktaSim | undefined;
  let client: RawCall | undefined;
  beforeAll(async () => {
    sim = await startOktaSim(options);
    client = rawClient(sim);
  });
  afterAll(async () => {
    await sim?.close();
  });
  const started = (): OktaSim => {
    if (!sim) throw new Error('the simulated org starts in beforeAll');
    return sim;
  };
  return {
    sim: started,
    okta: (...args) => {
      if (!client) throw new Error('the simulated org starts in beforeAll');
      return client(...args);
    },
  };
}

let counter = 0;

/** A fresh profile with the four required attributes. */
export function newProfile(extra: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  const login = `real.okta.${counter}.${Date.now()}@example.com`;
  return { firstName: 'Real', lastName: `Okta${counter}`, email: login, login, ...extra };
}
