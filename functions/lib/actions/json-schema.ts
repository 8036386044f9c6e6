/**
 * The JSON Schema subset the action catalog uses (draft-07 keywords, also valid OpenAPI 3.0 schema objects).
 * `validate-input.ts` implements exactly these keywords; anything else is a documentation-only field.
 */

/** Formats the validator checks. `path-segment` is ours: an Okta id or login that is safe in a URL path. */
export type SchemaFormat = 'email' | 'date-time' | 'ip' | 'uri' | 'path-segment';

export interface JsonSchema {
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  /** `false` refuses unknown fields; `true` or absent allows any. */
  additionalProperties?: boolean;
  /** Exactly one branch must hold; the catalog uses it only with `{required: [...]}` branches. */
  oneOf?: readonly JsonSchema[];
  /** At least one branch must hold; the catalog uses it only with `{required: [...]}` branches. */
  anyOf?: readonly JsonSchema[];
  enum?: readonly (string | number | boolean)[];
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: SchemaFormat;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  example?: unknown;
}
