/**
 * API Gateway request models from the catalog's input schemas. API Gateway validates bodies against JSON Schema
 * draft 4, so the catalog's schema is copied keyword by keyword, keeping only what draft 4 defines and API Gateway
 * applies. The function validates every input again with the full schema (`validate-input.ts`); the gateway check
 * only turns away malformed calls before they cost an invocation. `format` is left out: draft 4 lacks some of the
 * catalog's formats (`path-segment`, `ip`), and API Gateway's checks of the others (`email`, `date-time`) could
 * refuse a value the function accepts, so the function alone judges formats.
 */
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type { JsonSchema } from '../functions/catalog.js';

// Draft 4 keywords whose value is a plain value, copied as is.
const VALUE_KEYWORDS = [
  'type',
  'description',
  'required',
  'enum',
  'default',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'additionalProperties',
] as const;

type Draft4 = Record<string, unknown>;

/** The catalog schema as a draft 4 schema (plain keys, no `$schema`). */
export function toDraft4(schema: JsonSchema): Draft4 {
  const out: Draft4 = {};
  const source = schema as Record<string, unknown>;
  for (const keyword of VALUE_KEYWORDS) {
    const value = source[keyword];
    // draft 4 requires `required` to hold at least one name.
    if (keyword === 'required' && Array.isArray(value) && value.length === 0) continue;
    if (value !== undefined) out[keyword] = value;
  }
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, sub]) => [name, toDraft4(sub)]));
  }
  if (schema.items) out.items = toDraft4(schema.items);
  if (schema.oneOf) out.oneOf = schema.oneOf.map(toDraft4);
  if (schema.anyOf) out.anyOf = schema.anyOf.map(toDraft4);
  return out;
}

/**
 * The model of one action's body. Every action takes an optional `connection` (docs/CONTRACT.md §2), so it is added
 * when the catalog schema does not list it.
 */
export function requestModelSchema(actionName: string, input: JsonSchema): apigateway.JsonSchema {
  const draft4 = toDraft4(input);
  const properties = (draft4.properties ?? {}) as Record<string, unknown>;
  if (draft4.type === 'object' && !('connection' in properties)) {
    draft4.properties = { ...properties, connection: { type: 'string', minLength: 1 } };
  }
  return {
    schema: apigateway.JsonSchemaVersion.DRAFT4,
    title: modelName(actionName),
    ...draft4,
  };
}

/** API Gateway model names are alphanumeric: `get-user` becomes `GetUserInput`. */
export function modelName(actionName: string): string {
  return `${actionName
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('')}Input`;
}
