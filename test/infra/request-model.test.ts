import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { actions, type JsonSchema } from '../../functions/catalog.js';
import { modelName, requestModelSchema, toDraft4 } from '../../infra/request-model.js';

// The draft 4 keywords API Gateway's validator applies; anything else in a model would be ignored or refused.
const DRAFT4_KEYWORDS = new Set([
  '$schema',
  'title',
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
  'format',
  'properties',
  'items',
  'oneOf',
  'anyOf',
]);

function keywordsOf(schema: Record<string, unknown>): string[] {
  const own = Object.keys(schema);
  const nested = [
    ...Object.values((schema.properties ?? {}) as Record<string, Record<string, unknown>>),
    ...(schema.items ? [schema.items as Record<string, unknown>] : []),
    ...((schema.oneOf ?? []) as Record<string, unknown>[]),
    ...((schema.anyOf ?? []) as Record<string, unknown>[]),
  ];
  return [...own, ...nested.flatMap(keywordsOf)];
}

describe('request models', () => {
  it.each(actions.map((a) => [a.name, a.input] as const))('models %s with draft 4 keywords only', (name, input) => {
    const { schema: _version, ...model } = requestModelSchema(name, input) as Record<string, unknown>;
    expect(keywordsOf(model).filter((k) => !DRAFT4_KEYWORDS.has(k))).toEqual([]);
  });

  it('leaves formats to the function, which alone judges them', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { id: { type: 'string', format: 'path-segment' }, email: { type: 'string', format: 'email' } },
    };
    expect(toDraft4(schema)).toEqual({
      type: 'object',
      properties: { id: { type: 'string' }, email: { type: 'string' } },
    });
  });

  it('accepts the catalog example of each action and refuses a body without a required field', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    for (const spec of actions) {
      const validate = ajv.compile(toDraft4(spec.input));
      expect(validate(spec.example.input), `${spec.name} example`).toBe(true);
      const [firstRequired] = (spec.input.required ?? []) as string[];
      if (firstRequired) {
        const { [firstRequired]: _dropped, ...rest } = spec.example.input;
        expect(validate(rest), `${spec.name} without ${firstRequired}`).toBe(false);
      }
    }
  });

  it("names models in API Gateway's alphanumeric form", () => {
    expect(modelName('get-logon-events-by-ip')).toBe('GetLogonEventsByIpInput');
  });
});
