/**
 * The one way a test talks to the simulated org as its administrator, over HTTP: Okta's API as the super admin
 * (SSWS with the org's API token) to set up or check state, and the simulator's own `/__sim/...` control API.
 */
import type { OktaSim } from '../../local/okta-sim/index.js';

/** A parsed answer: the status and the JSON body (undefined when the body is empty). */
export interface AdminAnswer<T> {
  status: number;
  body: T;
}

export interface SimAdmin {
  /** Calls Okta's API (`/api/v1/...`) as the org's super admin. */
  okta: <T = unknown>(method: string, path: string, body?: unknown) => Promise<AdminAnswer<T>>;
  /** Calls the simulator's control API (`/__sim/...`), which needs no credential. */
  control: <T = unknown>(method: string, path: string, body?: unknown) => Promise<AdminAnswer<T>>;
}

/** The admin helper of `sim`. */
export function simAdmin(sim: OktaSim): SimAdmin {
  const call = async <T>(method: string, path: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: { accept: 'application/json', 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    okta: (method, path, body) => call(method, path, body, { authorization: `SSWS ${sim.apiToken}` }),
    control: (method, path, body) => call(method, path, body, {}),
  };
}
