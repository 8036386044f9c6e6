/**
 * What keeps a web page away from the local endpoints (issue 14 item 7). They listen on 127.0.0.1 and carry no
 * authentication, and with a real org in the environment they hold its credentials; a browser can still reach them
 * for any page it shows:
 *
 * - **DNS rebinding**: `attacker.example` resolves to 127.0.0.1 once the page has loaded, and the page's own
 *   same-origin requests reach the endpoint and read the answer (the local Secrets Manager's `GetSecretValue`). The
 *   browser sends `Host: attacker.example`, so only loopback names are answered.
 * - **Cross-site requests**: a `text/plain` POST needs no preflight, so any page can send one (its answer unread, its
 *   effect done: `/actions/delete-user`). Browsers send `Origin` with every such POST (forms and `fetch` alike), so
 *   a request from a non-loopback origin, or from an opaque one (`Origin: null`: sandboxed frames, `file:`), is
 *   refused. A loopback origin on another port (the simulated org's consent page, another local tool) is the same
 *   machine and passes.
 *
 * Requests without `Origin` (curl, the AWS SDK, the CLI, a browser's top-level GET such as the OAuth callback
 * redirect from a real Okta org) pass: none of them can come from another site's script with a loopback `Host`.
 */
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';

const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;
const LOOPBACK_ORIGIN = /^http:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;

/** Why a request to a local endpoint is refused, or undefined when it may go on. */
export function foreignRequest(headers: IncomingHttpHeaders): string | undefined {
  const host = headers.host;
  if (host === undefined || !LOOPBACK_HOST.test(host)) {
    return 'this local endpoint answers only requests addressed to 127.0.0.1, localhost or [::1]';
  }
  const origin = headers.origin;
  if (origin !== undefined && !LOOPBACK_ORIGIN.test(origin)) {
    return `this local endpoint refuses requests from web pages of other origins (${origin.slice(0, 100)})`;
  }
  return undefined;
}

/**
 * Makes `server` refuse, with 403 and `{"message"}`, every request `foreignRequest` refuses, before any of its own
 * request listeners sees it. `listen` in `json-protocol.ts` calls it on every local endpoint, so an endpoint
 * added later is guarded too.
 */
export function guardLoopback(server: Server): Server {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = foreignRequest(req.headers);
    if (refusal === undefined) {
      for (const listener of listeners) listener.call(server, req, res);
      return;
    }
    // The body is not read: the socket closes after the answer rather than waiting for it.
    const body = JSON.stringify({ message: refusal });
    res.writeHead(403, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body);
  });
  return server;
}
