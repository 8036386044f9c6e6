/**
 * What Lambda hands a handler, built for the probes: the context object, a Function URL request (event hook) and
 * a scheduled event (poller, searches). Shapes follow the AWS Lambda documentation's payload format 2.0 and the
 * EventBridge Scheduler event.
 */
import { randomUUID } from 'node:crypto';

export interface LambdaContextLike {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  done(): void;
  fail(): void;
  succeed(): void;
}

/** A context whose remaining time counts down from `timeoutMs` (as a function's configured timeout). */
export function lambdaContext(functionName: string, timeoutMs = 60_000): LambdaContextLike {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A Lambda Function URL request (payload format 2.0). */
export function functionUrlEvent(
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body?: string,
): Record<string, unknown> {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'Okta Event Hooks', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'bench.lambda-url.us-east-1.on.aws',
      domainPrefix: 'bench',
      http: { method, path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Okta Event Hooks' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body, isBase64Encoded: false }),
  };
}

/** The event EventBridge (or EventBridge Scheduler) sends a scheduled function. */
export function scheduledEvent(detail: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/bench'],
    detail,
  };
}
