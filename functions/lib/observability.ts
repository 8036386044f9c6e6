/**
 * The Powertools Logger and Metrics every function shares, created once per container. Every log line passes
 * through `redactSecrets`, so a password, token, key, secret or recovery answer never reaches CloudWatch, even
 * when someone logs a whole input or error by mistake.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { serviceName } from './config.js';

export { MetricUnit };

/** The CloudWatch namespace of every metric. */
export const METRICS_NAMESPACE = 'OktaConnector';
export const REDACTED = '[REDACTED]';

/**
 * Field names whose values are secrets, wherever they appear (case-insensitive, substring): passwords, tokens
 * (API, access, refresh, activation, temp), secrets, private keys, client assertions, recovery answers,
 * Authorization and Cookie headers, DPoP proofs, OAuth codes and PKCE verifiers.
 */
const SECRET_KEY =
  /pass(word|wd)?|token|secret|private_?key|api_?key|assertion|answer|authorization|cookie|credential|dpop|verifier|^code$|^d$|^p$|^q$|^dp$|^dq$|^qi$|^k$/i;
/** Keys matched by SECRET_KEY that hold no secret and help debugging. */
const SAFE_KEY = /^(passwordChanged|tokenType|token_type|expires_in|oktaRequestIds?)$/;

/** Secrets recognisable by their shape inside any string (a message, a URL, a stack). */
const SECRET_SHAPES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  [/\b(SSWS|Bearer|DPoP|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  // One-time links Okta returns (activation, password reset): the last segment is the token.
  [/\/(welcome|reset_password|reset-password|activate|tokens?)\/[A-Za-z0-9._~-]{8,}/g, `/$1/${REDACTED}`],
  [
    // A query string or a form body (which starts with the parameter itself).
    /((?:^|[?&\s"])(?:token|access_token|refresh_token|id_token|code|code_verifier|client_secret|client_assertion|password)=)[^&\s"]+/gi,
    `$1${REDACTED}`,
  ],
];

/** Replaces secrets in one string by their shape. */
export function redactString(text: string): string {
  let result = text;
  for (const [shape, replacement] of SECRET_SHAPES) result = result.replace(shape, replacement);
  return result;
}

/** Whether a field of that name holds a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !SAFE_KEY.test(key);
}

/**
 * A `JSON.stringify` replacer: secret-named fields become `[REDACTED]` (whatever their value), other strings are
 * scrubbed of secret shapes. Used by the Logger for every line.
 */
export function redactSecrets(key: string, value: unknown): unknown {
  // Booleans stay: `sendEmail`-style flags such as `tempPassword: true` carry no secret.
  if (key !== '' && isSecretKey(key) && value !== undefined && value !== null && typeof value !== 'boolean') {
    return REDACTED;
  }
  if (typeof value === 'string') return redactString(value);
  return value;
}

/** A deep copy of a value with secrets redacted, for logging something outside the Logger. */
export function redact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, redactSecrets) ?? 'null') as T;
}

/** Strings under secret-named fields of a value (an action's input), long enough to be worth looking for. */
export function secretValuesOf(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) secretValuesOf(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (isSecretKey(key) && typeof item === 'string' && item.length >= 4) found.push(item);
      else secretValuesOf(item, found);
    }
  }
  return found;
}

/**
 * A plain copy of a value for logging (an Error becomes `{name, message, stack, cause}`) in which every occurrence
 * of the given secret values is replaced by `[REDACTED]`.
 */
export function redactValues(value: unknown, secrets: readonly string[]): unknown {
  const plain = JSON.parse(JSON.stringify(value, (_key, item: unknown) => errorAsObject(item)) ?? 'null') as unknown;
  if (secrets.length === 0) return plain;
  return JSON.parse(
    JSON.stringify(plain, (_key, item: unknown) => {
      if (typeof item !== 'string') return item;
      let text = item;
      for (const secret of secrets) text = text.split(secret).join(REDACTED);
      return text;
    }),
  ) as unknown;
}

function errorAsObject(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return { name: value.name, message: value.message, stack: value.stack, cause: value.cause };
}

/** A Logger with the connector's redaction; `name` becomes the `service` when given. */
export function createLogger(name = serviceName()): Logger {
  return new Logger({ serviceName: name, jsonReplacerFn: redactSecrets });
}

/** A Metrics instance in the `OktaConnector` namespace. */
export function createMetrics(name = serviceName()): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: name });
}

/** The container's Logger: use it from every function and library module. */
export const logger: Logger = createLogger();
/** The container's Metrics: publish with `metrics.publishStoredMetrics()` or use `singleMetric()`. */
export const metrics: Metrics = createMetrics();

/**
 * Emits one metric right away with its own dimensions (so dimensions of one call never leak into another's),
 * e.g. `countMetric('ActionFailed', {action: 'get-user', errorType: 'OktaNotFound'})`.
 */
export function countMetric(
  name: string,
  dimensions: Record<string, string>,
  value = 1,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count,
  into: Metrics = metrics,
): void {
  const single = into.singleMetric();
  for (const [dimension, dimensionValue] of Object.entries(dimensions)) single.addDimension(dimension, dimensionValue);
  single.addMetric(name, unit, value);
}
