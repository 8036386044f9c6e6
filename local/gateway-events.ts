/**
 * The events AWS hands a Lambda for an HTTP request: API Gateway's REST proxy event (v1) and a Function URL's
 * payload format 2.0, built from a Node request as AWS builds them (header casing, multi-value fields, the request
 * context).
 */
import type { IncomingMessage } from 'node:http';

/** The stage name put in the API Gateway events' `requestContext.stage`. */
export const LOCAL_STAGE = 'local';

/**
 * The API Gateway REST proxy event (v1) for this request; `pathParameters` are those of the resource's `{…}`
 * segments, as API Gateway passes them.
 */
export function restEvent(
  req: IncomingMessage,
  url: URL,
  resource: string,
  body: string,
  pathParameters: Record<string, string> | null = null,
) {
  const { single, multi } = headersOf(req);
  const now = new Date();
  const query = queryOf(url);
  return {
    resource,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers: Object.keys(single).length ? single : null,
    multiValueHeaders: Object.keys(multi).length ? multi : null,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      resourceId: 'local',
      resourcePath: resource,
      httpMethod: req.method ?? 'GET',
      // The path as the client sent it; in AWS it starts with the stage (e.g. `/prod/oauth/callback`).
      path: url.pathname,
      stage: LOCAL_STAGE,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: crypto.randomUUID(),
      extendedRequestId: crypto.randomUUID(),
      requestTime: clfTime(now),
      requestTimeEpoch: now.getTime(),
      domainName: url.host,
      domainPrefix: url.hostname.split('.')[0] ?? url.hostname,
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? null,
        accountId: null,
        caller: null,
        user: null,
        userArn: null,
        accessKey: null,
        apiKey: null,
        apiKeyId: null,
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        principalOrgId: null,
        clientCert: null,
      },
      authorizer: null,
    },
    body: body === '' ? null : body,
    isBase64Encoded: false,
  };
}

/** The Lambda Function URL event (payload format 2.0) for this request. */
export function functionUrlEvent(req: IncomingMessage, url: URL, body: string) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = req.headers.cookie?.split(/;\s*/).filter(Boolean);
  const query: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
  const now = new Date();
  const binary =
    body !== '' &&
    !/^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded))/.test(headers['content-type'] ?? 'text/plain');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: url.hostname.split('.')[0] ?? url.hostname,
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: crypto.randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body !== '' ? { body: binary ? Buffer.from(body).toString('base64') : body } : {}),
    isBase64Encoded: binary,
  };
}

/** v1 headers keep the client's casing; `headers` holds the last value of each, `multiValueHeaders` all of them. */
function headersOf(req: IncomingMessage) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  // API Gateway adds these; a handler builds its public URL (e.g. an OAuth redirect URI) from them and Host.
  const added = {
    'X-Forwarded-For': req.socket.remoteAddress ?? '127.0.0.1',
    'X-Forwarded-Port': String(req.socket.localPort ?? ''),
    'X-Forwarded-Proto': 'http',
    'X-Amzn-Trace-Id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`,
  };
  for (const [name, value] of Object.entries(added)) {
    single[name] = value;
    multi[name] = [value];
  }
  return { single, multi };
}

function queryOf(url: URL) {
  if ([...url.searchParams.keys()].length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  return { single, multi };
}

/** `29/Nov/2026:12:01:03 +0000`, the time format of API Gateway's request context. */
function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
