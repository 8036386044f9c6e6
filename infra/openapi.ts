/**
 * The OpenAPI 3.0 document of the actions API (docs/CONTRACT.md §2), built from the action catalog: per action
 * `POST /actions/<name>` and `POST /connections/{connection}/actions/<name>` (functions/catalog.ts `actionRoutes`), whose request body is the catalog's input schema, whose 200 answer is its
 * output schema, and whose error answers are the contract's error body, one per HTTP status the action can
 * answer. The API is IAM-authorized: requests are signed with SigV4. `npm run docs` writes it to
 * `docs/openapi.json`.
 */
import { actionRoutes, CONNECTION_PATH_PARAMETER, type ActionSpec, type JsonSchema } from '../functions/catalog.js';
import { connectionSchema } from '../functions/catalog-schemas.js';
import { httpStatusOf, type ErrorType } from '../functions/lib/errors.js';

export interface OpenApiOptions {
  /** The connector's version (package.json). */
  version: string;
}

type OpenApiObject = Record<string, unknown>;

const ERROR_MEANINGS: Record<ErrorType, string> = {
  InvalidInput: 'the input fails validation; the message names each bad field',
  UnknownConnection: 'no such connection',
  OktaValidationFailed: 'Okta refused the request as invalid (E0000001 and the like)',
  OktaAuthFailed: 'Okta refused the credentials (bad token, key, scopes)',
  OktaForbidden: 'Okta answered 403 (missing scope or admin role)',
  OktaNotFound: 'no such user, group or app',
  InvalidUserState: "the lifecycle change is not allowed from the user's current status",
  OktaRateLimited: "Okta's rate limit is still exceeded after the retry budget; retryAfterSeconds says when",
  OktaUnavailable: 'Okta failed (5xx, timeout, reset) after retries',
  InternalError: 'anything else; the message leaks no secret or stack',
};

/** The OpenAPI 3.0 document of the given actions. */
export function buildOpenApiDocument(actions: readonly ActionSpec[], options: OpenApiOptions): OpenApiObject {
  const schemas: Record<string, unknown> = { ErrorBody: errorBodySchema(Object.keys(httpStatusOf) as ErrorType[]) };
  const paths: Record<string, unknown> = {};
  for (const action of actions) {
    const base = pascalCase(action.name);
    schemas[`${base}Input`] = action.input;
    schemas[`${base}Output`] = action.output;
    const routes = actionRoutes(action.name);
    paths[routes.any] = { post: operation(action, base) };
    paths[routes.perConnection] = { post: perConnectionOperation(operation(action, base)) };
  }

  return {
    openapi: '3.0.3',
    info: {
      title: 'okta-connector actions',
      version: options.version,
      description:
        'The actions of the Okta connector. Each is one Lambda function, also callable directly (Step Functions ' +
        '`arn:aws:states:::lambda:invoke`, the SDK) with the same input as payload; a failed direct invoke throws ' +
        'an error whose `name` is the error type. Every input may carry `connection` to choose the Okta org. ' +
        'Generated from functions/catalog.ts by `npm run docs`.',
      license: { name: 'Apache-2.0' },
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        variables: {
          apiId: { default: 'example' },
          region: { default: 'us-east-1' },
          stage: { default: 'prod' },
        },
      },
    ],
    security: [{ sigv4: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS IAM: sign each request with Signature Version 4 (service `execute-api`).',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
}

function operation(action: ActionSpec, base: string): OpenApiObject {
  const responses: Record<string, unknown> = {
    200: {
      description: "The action's output.",
      content: { 'application/json': { schema: ref(`${base}Output`), example: action.example.output } },
    },
  };
  for (const [status, types] of statusesOf(action.errors)) {
    responses[String(status)] = {
      description: types.map((type) => `${type}: ${ERROR_MEANINGS[type]}`).join('; '),
      content: { 'application/json': { schema: errorBodySchema(types) } },
    };
  }
  const scopes = action.scopes.length > 0 ? action.scopes.map((s) => `\`${s}\``).join(', ') : 'none';
  return {
    operationId: camelCase(action.name),
    summary: action.summary,
    description: `${action.description}\n\nOkta OAuth scopes: ${scopes} (an API token needs none).`,
    'x-okta-scopes': action.scopes,
    requestBody: {
      required: true,
      content: { 'application/json': { schema: ref(`${base}Input`), example: action.example.input } },
    },
    responses,
  };
}

/** The same operation on the per-connection route: the path's connection is the call's. */
function perConnectionOperation(any: OpenApiObject): OpenApiObject {
  return {
    ...any,
    operationId: `${String(any.operationId)}ForConnection`,
    description:
      `${String(any.description)}\n\nRuns only against the connection the path names, so IAM can grant a caller one ` +
      'connection (`execute-api:Invoke` on `…/POST/connections/<name>/actions/*`); an input naming another ' +
      'connection is `InvalidInput`.',
    parameters: [
      {
        name: CONNECTION_PATH_PARAMETER,
        in: 'path',
        required: true,
        description: 'The connection (Okta org) the call runs against.',
        schema: { type: 'string', pattern: connectionSchema.pattern },
      },
    ],
  };
}

/** The action's error types grouped by HTTP status, statuses ascending. */
function statusesOf(errors: readonly ErrorType[]): [number, ErrorType[]][] {
  const byStatus = new Map<number, ErrorType[]>();
  for (const type of errors) byStatus.set(httpStatusOf[type], [...(byStatus.get(httpStatusOf[type]) ?? []), type]);
  return [...byStatus.entries()].sort(([a], [b]) => a - b);
}

/** The contract's `{"error": {...}}` body, with `type` limited to the given types. */
function errorBodySchema(types: readonly ErrorType[]): JsonSchema {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['type', 'message'],
        properties: {
          type: { type: 'string', enum: types },
          message: { type: 'string' },
          oktaErrorCode: { type: 'string', description: "Okta's errorCode, e.g. E0000007." },
          oktaErrorId: { type: 'string', description: "Okta's errorId, to quote to Okta support." },
          causes: { type: 'array', items: { type: 'string' }, description: "Okta's errorCauses[].errorSummary." },
          retryAfterSeconds: { type: 'integer', description: 'With OktaRateLimited: when to try again.' },
        },
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  };
}

function ref(name: string): OpenApiObject {
  return { $ref: `#/components/schemas/${name}` };
}

function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}
