/**
 * Test doubles for the Okta client's seams: a scripted `fetch` that records every request, and a clock whose
 * `sleep` advances time instantly and remembers each wait.
 */
import type { Connection } from '../../../../functions/lib/connections.js';

export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export type Reply = Response | Error | ((req: RecordedRequest) => Response | Error | Promise<Response | Error>);

/** A fetch that answers from `replies` in order (the last one repeats) and records each request. */
export function scriptedFetch(...replies: Reply[]) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const req: RecordedRequest = {
      url: new URL(input instanceof Request ? input.url : input),
      method: init.method ?? 'GET',
      headers,
      body:
        typeof init.body === 'string'
          ? init.body
          : init.body === undefined || init.body === null
            ? undefined
            : await new Response(init.body).text(),
    };
    requests.push(req);
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
    const answer = typeof reply === 'function' ? await reply(req) : reply;
    if (answer === undefined) throw new Error('no scripted reply');
    if (answer instanceof Error) throw answer;
    return answer.clone();
  };
  return { fetch: fetch, requests };
}

/** A JSON response with Okta's usual headers. */
export function json(body: unknown, status = 200, headers: Record<string, string> | [string, string][] = {}): Response {
  const h = new Headers(headers);
  h.set('content-type', 'application/json');
  if (!h.has('x-okta-request-id')) h.set('x-okta-request-id', `req-${Math.random().toString(36).slice(2, 8)}`);
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: h });
}

/** A fake clock: `sleep` moves time forward at once and records the wait. */
export function fakeClock(start = Date.UTC(2026, 10, 29, 9, 0, 0)) {
  const clock = {
    time: start,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

/** A fetch failure as undici reports it: `TypeError('fetch failed')` with the socket error as `cause`. */
export function networkError(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

export function timeoutError(): Error {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

export const API_TOKEN = '00SecretApiTokenValueThatMustNeverLeak';

export function apiTokenConnection(baseUrl = 'https://acme.okta.com'): Connection {
  return { name: 'acme', baseUrl, auth: { type: 'api-token', token: API_TOKEN } };
}
