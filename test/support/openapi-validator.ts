/**
 * Checks exchanges with the simulated org against Okta's OpenAPI documents (`openapi-spec.ts` loads and prepares
 * them): for a request the simulator accepted, its path parameters, query parameters and body; for every
 * response, that its status is declared for the operation and that its JSON body fits that status's schema
 * (error bodies included). Attach it with `sim.observe((req, res) => problems.push(...validateExchange(req, res)))`.
 */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  deref,
  escapePointer,
  findOperation,
  indexOperations,
  matchTemplate,
  type Operation,
  type Parameter,
  type RequestBody,
  type ResponseObject,
} from './openapi-operations.js';
import { loadSpec, specId, type OpenApiDocument, type SpecName } from './openapi-spec.js';
import type { SimRequest, SimResponse } from '../../local/okta-sim/types.js';

// ajv and ajv-formats are CommonJS packages with a default export.
const Ajv = AjvModule as unknown as typeof AjvModule.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Formats the spec uses that are descriptions rather than checkable formats; they accept any value. */
const FREE_FORMATS = [
  'ISO 8601 compliant timestamp',
  'Opaque token',
  'SCIM Filter expression',
  'Integer between 0 and 1000',
  'text',
  'select',
  'checkbox',
  'radio',
  'iss_sub',
  'utf-8',
  'boolean',
  'opaque',
  'url',
  'base64',
  'URL encoded string. Max length is 40 characters per keyword, with a maximum of 10 keyword filters per query (before encoding)',
];
const MAX_ERRORS_PER_PART = 5;

export interface OpenApiValidator {
  /** Problems with one exchange, each naming the operation and where it went wrong; empty when it conforms. */
  validateExchange(req: SimRequest, res: SimResponse): string[];
}

/** Loads the management spec (and the OAuth spec for `/oauth2` paths) once, and compiles schemas as needed. */
export function createOpenApiValidator(): OpenApiValidator {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: true });
  addFormats(ajv);
  for (const format of FREE_FORMATS) ajv.addFormat(format, true);
  const documents: Record<SpecName, OpenApiDocument> = { management: loadSpec('management'), oauth: loadSpec('oauth') };
  for (const name of ['management', 'oauth'] as const) ajv.addSchema(documents[name], specId(name));
  const operations = indexOperations(documents);
  const compiled = new Map<string, ValidateFunction>();

  const validatorFor = (spec: SpecName, pointer: string): ValidateFunction => {
    const ref = `${specId(spec)}#${pointer}`;
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      compiled.set(ref, validate);
    }
    return validate;
  };
  const check = (where: string, spec: SpecName, pointer: string, data: unknown): string[] => {
    const validate = validatorFor(spec, pointer);
    return validate(data) ? [] : describe(where, validate.errors ?? []);
  };

  return {
    validateExchange(req, res) {
      const method = req.method.toLowerCase();
      const spec: SpecName = req.path.startsWith('/oauth2/') ? 'oauth' : 'management';
      const operation = findOperation(operations, spec, method, req.path);
      const label = `${req.method} ${req.path} -> ${res.status}`;
      if (!operation) {
        // Control routes, and paths Okta does not have (which the simulator refuses), are nobody's contract.
        const ownPath = req.path.startsWith('/api/v1/') || req.path.startsWith('/oauth2/');
        return ownPath && res.status < 400 ? [`${label}: no operation in the spec for this path and method`] : [];
      }
      const problems: string[] = [];
      if (res.status < 400) problems.push(...checkRequest(operation, req, check).map((p) => `${label}: request ${p}`));
      problems.push(...checkResponse(operation, res, check).map((p) => `${label}: response ${p}`));
      return problems;
    },
  };
}

type Check = (where: string, spec: SpecName, pointer: string, data: unknown) => string[];

function checkRequest(operation: Operation, req: SimRequest, check: Check): string[] {
  const problems: string[] = [];
  const values = matchTemplate(operation.template, req.path) ?? {};
  const parameters = [
    ...operation.pathParameters,
    ...(operation.definition.parameters ?? []).map((_, index) =>
      deref<Parameter>(operation, `${operation.pointer}/parameters/${index}`),
    ),
  ];
  for (const { node: parameter, pointer } of parameters) {
    const schemaPointer = `${pointer}/schema`;
    if (parameter.in === 'path') {
      problems.push(
        ...check(`path parameter ${parameter.name}`, operation.spec, schemaPointer, values[parameter.name]),
      );
    }
    if (parameter.in !== 'query') continue;
    const raw = req.query.getAll(parameter.name);
    if (raw.length === 0) {
      if (parameter.required) problems.push(`is missing the required query parameter ${parameter.name}`);
      continue;
    }
    problems.push(
      ...check(`query parameter ${parameter.name}`, operation.spec, schemaPointer, coerce(raw, parameter.schema)),
    );
  }
  const declared = new Set(parameters.filter(({ node }) => node.in === 'query').map(({ node }) => node.name));
  for (const name of new Set(req.query.keys()))
    if (!declared.has(name)) problems.push(`has an undeclared query parameter ${name}`);

  if (!operation.definition.requestBody) return problems;
  const { node: body, pointer } = deref<RequestBody>(operation, `${operation.pointer}/requestBody`);
  const types = Object.keys(body.content ?? {});
  const contentType = types.find((type) => (req.headers['content-type'] ?? '').startsWith(type));
  if (req.rawBody === '' || req.body === undefined) {
    if (body.required) problems.push('has no body, which the operation requires');
  } else if (!contentType) {
    problems.push(`has content type ${req.headers['content-type'] ?? '(none)'}, not one of ${types.join(', ')}`);
  } else if (body.content?.[contentType]?.schema) {
    problems.push(
      ...check('body', operation.spec, `${pointer}/content/${escapePointer(contentType)}/schema`, req.body),
    );
  }
  return problems;
}

function checkResponse(operation: Operation, res: SimResponse, check: Check): string[] {
  const responses = operation.definition.responses ?? {};
  const key = [String(res.status), `${String(res.status)[0]}XX`, 'default'].find((candidate) => candidate in responses);
  if (!key) {
    const omission = knownOmission(operation, res.status);
    if (omission) return check('body', operation.spec, omission, withoutNullProperties(res.body));
    return [`status ${res.status} is not declared (declared: ${Object.keys(responses).join(', ')})`];
  }
  if (res.html !== undefined) return [];
  const { node: response, pointer } = deref<ResponseObject>(
    operation,
    `${operation.pointer}/responses/${escapePointer(key)}`,
  );
  const content = response.content ?? {};
  const jsonType = Object.keys(content).find((type) => type.includes('json'));
  if (!jsonType || !content[jsonType]?.schema) {
    // Where the spec declares no body, real Okta sends the JSON `{}` (suspend, unsuspend, deactivate: the
    // real-okta recordings okta-sdk-python.json[3], [5], [12]; the recordings outrank the spec).
    const emptyObject = isEmptyObject(res.body);
    return res.body === undefined || emptyObject ? [] : [`has a JSON body, but the spec declares none for ${key}`];
  }
  if (res.body === undefined) return [`has no body, but the spec declares one for ${key}`];
  const schemaPointer = `${pointer}/content/${escapePointer(jsonType)}/schema`;
  return check('body', operation.spec, schemaPointer, withoutNullProperties(res.body));
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

/**
 * Errors Okta gives that the spec leaves out of an operation's responses. Such an answer must still be an Okta
 * `Error`; the pointer of that schema is returned, or undefined when the status really is undeclared.
 * - 401 on any `/api/v1` operation: the spec models authentication in `security`, not as a response, yet a bad or
 *   expired token is answered 401 E0000011 (CORE, ERR).
 * - 400 on an operation that takes `search` or `filter`: a bad expression is answered 400 (E0000031, E0000053,
 *   E0000001; SLQ and OLD-USERS), though e.g. `listUsers` declares no 400.
 */
function knownOmission(operation: Operation, status: number): string | undefined {
  if (operation.spec !== 'management') return undefined;
  const queryNames = (operation.definition.parameters ?? [])
    .map((_, index) => deref<Parameter>(operation, `${operation.pointer}/parameters/${index}`).node)
    .filter((parameter) => parameter.in === 'query')
    .map((parameter) => parameter.name);
  const takesExpressions = queryNames.includes('search') || queryNames.includes('filter');
  return status === 401 || (status === 400 && takesExpressions) ? '/components/schemas/Error' : undefined;
}

/**
 * Okta answers `null` for many optional properties that its spec types without `nullable` (its own examples do,
 * e.g. `actor.detailEntry`, `accessibility.errorRedirectUrl`). A null optional property is read as absent;
 * a null required property is still reported.
 */
function withoutNullProperties(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullProperties);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNullProperties(item)]),
  );
}

/** Query values arrive as strings; the schema says what they are. */
function coerce(raw: string[], schema: Record<string, unknown> | undefined): unknown {
  const type = schema?.type;
  const one = (value: string): unknown => {
    if ((type === 'integer' || type === 'number') && value.trim() !== '' && !Number.isNaN(Number(value)))
      return Number(value);
    if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
    return value;
  };
  return type === 'array' ? raw.flatMap((value) => value.split(',')) : one(raw[raw.length - 1] as string);
}

function describe(where: string, errors: ErrorObject[]): string[] {
  // anyOf/if failures repeat each branch's errors; the first few distinct ones say enough.
  const messages = [
    ...new Set(
      errors.map(
        (error) =>
          `${where}${error.instancePath || ''} ${error.message ?? 'is invalid'}${
            error.params && 'allowedValues' in error.params
              ? ` (${(error.params.allowedValues as unknown[]).join(', ')})`
              : ''
          }${error.params && 'additionalProperty' in error.params ? ` (${String(error.params.additionalProperty)})` : ''}`,
      ),
    ),
  ];
  return messages.slice(0, MAX_ERRORS_PER_PART);
}
