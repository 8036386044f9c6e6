/**
 * A small validator for the JSON Schema subset of the action catalog (`json-schema.ts`). It names every bad field
 * (`profile.email: is required`), refuses unknown fields and strings Okta cannot store, and returns a copy of the
 * input with the schema's defaults applied. Written by hand so Lambda bundles carry no schema compiler: it runs on
 * every call, cold or warm.
 */
import { isIP } from 'node:net';
import { InvalidInput, type FieldProblem } from '../errors.js';
import type { JsonSchema } from './json-schema.js';

/** Okta does not support characters that need 4 bytes in UTF-8 (CORE), i.e. outside the Basic Multilingual Plane. */
const FOUR_BYTE_CHARACTER = /[\u{10000}-\u{10FFFF}]/u;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
/** Anything that could change the path of the Okta URL an id is put in, raw or percent-encoded. */
const PATH_BREAKER = /[/\\]|%(2f|5c|2e)/i;
/** Deeper than any Okta profile or action input; a cap keeps 20,000 nested arrays from overflowing the stack. */
export const MAX_INPUT_DEPTH = 32;
/** Fields of one object: Okta profiles hold a few hundred attributes at most. */
export const MAX_OBJECT_KEYS = 1_000;

/**
 * Checks `value` against `schema`; returns a copy with defaults applied, or throws `InvalidInput` naming each bad
 * field.
 */
export function validateInput<T>(schema: JsonSchema, value: unknown): T {
  const problems: FieldProblem[] = [];
  const tooDeep = deeperThan(value, MAX_INPUT_DEPTH);
  if (tooDeep !== undefined)
    throw new InvalidInput([{ field: tooDeep, problem: `nests deeper than ${MAX_INPUT_DEPTH} levels` }]);
  const result = check(schema, value, '', problems);
  if (problems.length > 0) throw new InvalidInput(problems);
  return result as T;
}

function check(schema: JsonSchema, value: unknown, field: string, problems: FieldProblem[]): unknown {
  const problem = (text: string) => problems.push({ field, problem: text });
  switch (schema.type) {
    case 'object':
      if (!isPlainObject(value)) {
        problem(field === '' ? 'the input must be a JSON object' : 'must be an object');
        return value;
      }
      return checkObject(schema, value, field, problems);
    case 'array':
      if (!Array.isArray(value)) {
        problem('must be an array');
        return value;
      }
      return checkArray(schema, value, field, problems);
    case 'string':
      if (typeof value !== 'string') problem('must be a string');
      else checkString(schema, value, problem);
      return value;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) problem('must be a number');
      else if (schema.type === 'integer' && !Number.isInteger(value)) problem('must be an integer');
      else checkNumber(schema, value, problem);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') problem('must be true or false');
      return value;
    default:
      checkUntyped(value, field, problems);
      return value;
  }
}

function checkObject(schema: JsonSchema, value: Record<string, unknown>, field: string, problems: FieldProblem[]) {
  const properties = schema.properties ?? {};
  const result: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    if (own(value, name) === undefined) problems.push({ field: join(field, name), problem: 'is required' });
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_OBJECT_KEYS) {
    problems.push({ field, problem: `must have at most ${MAX_OBJECT_KEYS} fields` });
    return result;
  }
  for (const [name, item] of entries) {
    const inner = join(field, name);
    // Own properties only: `constructor` or `toString` must not find Object.prototype's.
    const propertySchema = own(properties, name) as JsonSchema | undefined;
    if (propertySchema) setOwn(result, name, check(propertySchema, item, inner, problems));
    else if (schema.additionalProperties === false) problems.push({ field: inner, problem: 'is not a known field' });
    else setOwn(result, name, check({}, item, inner, problems));
  }
  for (const [name, propertySchema] of Object.entries(properties)) {
    if (own(result, name) === undefined && propertySchema.default !== undefined)
      result[name] = structuredClone(propertySchema.default);
  }
  checkBranches(schema, value, field, problems);
  return result;
}

/** `oneOf` / `anyOf` with `{required: [...]}` branches: "exactly one of" and "at least one of" rules. */
function checkBranches(schema: JsonSchema, value: Record<string, unknown>, field: string, problems: FieldProblem[]) {
  for (const [keyword, branches] of [
    ['oneOf', schema.oneOf],
    ['anyOf', schema.anyOf],
  ] as const) {
    if (!branches) continue;
    const names = branches.flatMap((branch) => branch.required ?? []);
    const present = names.filter((name) => own(value, name) !== undefined);
    const holding = branches.filter((branch) =>
      (branch.required ?? []).every((name) => own(value, name) !== undefined),
    );
    const list = names.join(', ');
    if (holding.length === 0) {
      problems.push({
        field,
        problem: `${keyword === 'oneOf' ? 'exactly one' : 'at least one'} of ${list} is required`,
      });
    } else if (keyword === 'oneOf' && holding.length > 1) {
      problems.push({ field, problem: `only one of ${list} may be given (got ${present.join(', ')})` });
    }
  }
}

function checkArray(schema: JsonSchema, value: unknown[], field: string, problems: FieldProblem[]) {
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    problems.push({ field, problem: `must have at least ${schema.minItems} items` });
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    problems.push({ field, problem: `must have at most ${schema.maxItems} items` });
  }
  if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) {
    problems.push({ field, problem: 'must not repeat an item' });
  }
  const itemSchema = schema.items ?? {};
  return value.map((item, index) => check(itemSchema, item, `${field}[${index}]`, problems));
}

function checkString(schema: JsonSchema, value: string, problem: (text: string) => void): void {
  // Length in characters as Okta counts them (code points), not UTF-16 units.
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    problem(schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`);
  }
  if (schema.maxLength !== undefined && length > schema.maxLength)
    problem(`must be at most ${schema.maxLength} characters`);
  if (schema.enum && !schema.enum.includes(value))
    problem(`must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
    problem(`must match ${schema.pattern}`);
  if (FOUR_BYTE_CHARACTER.test(value))
    problem('contains a character Okta does not support (4 bytes in UTF-8, e.g. an emoji)');
  const formatProblem = schema.format ? checkFormat(schema.format, value) : undefined;
  if (formatProblem) problem(formatProblem);
}

function checkFormat(format: NonNullable<JsonSchema['format']>, value: string): string | undefined {
  switch (format) {
    case 'email':
      return EMAIL.test(value) ? undefined : 'must be an email address';
    case 'date-time':
      return DATE_TIME.test(value) && Number.isFinite(Date.parse(value))
        ? undefined
        : 'must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00.000Z';
    case 'ip':
      return isIP(value) !== 0 && !value.includes('%') ? undefined : 'must be an IPv4 or IPv6 address';
    case 'uri':
      return URL.canParse(value) ? undefined : 'must be a URL';
    case 'path-segment':
      return PATH_BREAKER.test(value) || value === '.' || value === '..'
        ? 'must be an id or login without "/", "\\", ".." or their percent-encodings'
        : undefined;
  }
}

function checkNumber(schema: JsonSchema, value: number, problem: (text: string) => void): void {
  if (schema.minimum !== undefined && value < schema.minimum) problem(`must be at least ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) problem(`must be at most ${schema.maximum}`);
  if (schema.enum && !schema.enum.includes(value)) problem(`must be one of ${schema.enum.join(', ')}`);
}

/** Free-form values (profile attributes): only the strings inside are checked, for characters Okta refuses. */
function checkUntyped(value: unknown, field: string, problems: FieldProblem[]): void {
  if (typeof value === 'string') {
    if (FOUR_BYTE_CHARACTER.test(value)) {
      problems.push({ field, problem: 'contains a character Okta does not support (4 bytes in UTF-8, e.g. an emoji)' });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkUntyped(item, `${field}[${index}]`, problems));
  } else if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length > MAX_OBJECT_KEYS)
      problems.push({ field, problem: `must have at most ${MAX_OBJECT_KEYS} fields` });
    else for (const [name, item] of entries) checkUntyped(item, join(field, name), problems);
  }
}

/** The field where `value` nests deeper than `limit` (`''` for the top), or undefined; iterative, so it cannot overflow. */
function deeperThan(value: unknown, limit: number): string | undefined {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  while (stack.length > 0) {
    const [item, depth, field] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return field;
    if (Array.isArray(item)) item.forEach((inner, index) => stack.push([inner, depth + 1, `${field}[${index}]`]));
    else for (const [name, inner] of Object.entries(item)) stack.push([inner, depth + 1, join(field, name)]);
  }
  return undefined;
}

/** A field's value when it is the object's own, never one inherited from Object.prototype. */
function own(target: object, name: string): unknown {
  return Object.hasOwn(target, name) ? (target as Record<string, unknown>)[name] : undefined;
}

/** Sets a field as an own property, so a field named `__proto__` stays data and never changes the prototype. */
function setOwn(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(field: string, name: string): string {
  return field === '' ? name : `${field}.${name}`;
}
