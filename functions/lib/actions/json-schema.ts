/**
 * The JSON Schema subset the action catalog uses (draft-07 keywords, also valid OpenAPI 3.0 schema objects), and
 * the TypeScript type of a value valid against one (`SchemaType`). `validate-input.ts` implements exactly these
 * keywords; anything else is a documentation-only field.
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

/**
 * The TypeScript type of a value `validateInput` accepted for the schema `S`, so an action's input type is derived
 * from its catalog schema and the two cannot drift. `S` must keep its literal type (`as const satisfies
 * JsonSchema`); a schema widened to `JsonSchema` gives `unknown`. The rules follow the validator: a property is
 * present when the schema requires it or gives it a `default` (the validator applies defaults), an `enum` is the
 * union of its values, an object without `additionalProperties: false` also holds other fields, a schema without
 * `type` is `unknown`.
 */
export type SchemaType<S> = S extends { readonly enum: readonly (infer E)[] }
  ? E
  : S extends { readonly type: 'string' }
    ? string
    : S extends { readonly type: 'integer' | 'number' }
      ? number
      : S extends { readonly type: 'boolean' }
        ? boolean
        : S extends { readonly type: 'array' }
          ? ArrayType<S>
          : S extends { readonly type: 'object' }
            ? ObjectType<S>
            : unknown;

type ArrayType<S> = S extends { readonly items: infer I } ? SchemaType<I>[] : unknown[];

type PropertiesOf<S> = S extends { readonly properties: infer P } ? P : Record<never, never>;
type RequiredOf<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;
type DefaultedOf<P> = { [K in keyof P]: P[K] extends { readonly default: unknown } ? K : never }[keyof P];

type Flatten<T> = { [K in keyof T]: T[K] };

/** The fields of an object schema's `properties` P; those in `Present` are always there. */
type KnownFields<P, Present extends keyof P> = Flatten<
  { -readonly [K in Present]: SchemaType<P[K]> } & { -readonly [K in Exclude<keyof P, Present>]?: SchemaType<P[K]> }
>;

type FieldsOf<S, P = PropertiesOf<S>> = KnownFields<P, (RequiredOf<S> | DefaultedOf<P>) & keyof P>;

type ObjectType<S> = S extends { readonly additionalProperties: false }
  ? FieldsOf<S>
  : FieldsOf<S> & Record<string, unknown>;
