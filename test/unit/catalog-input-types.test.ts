import { describe, expectTypeOf, it } from 'vitest';
import type { ActionInput } from '../../functions/catalog.js';
import type { SchemaType } from '../../functions/lib/actions/json-schema.js';

// Type tests: tsc (npm test's typecheck) fails when an action's derived input type changes.
describe('ActionInput, derived from the catalog schema', () => {
  it("is get-user's {userId, connection?}", () => {
    expectTypeOf<ActionInput<'get-user'>>().toEqualTypeOf<{ userId: string; connection?: string }>();
  });

  it('always has a field the schema gives a default (the validator applies it), and an enum is its union', () => {
    expectTypeOf<ActionInput<'get-groups-by-name'>>().toEqualTypeOf<{
      name: string;
      match: 'exact' | 'startsWith';
      connection?: string;
    }>();
    expectTypeOf<ActionInput<'create-user'>['activate']>().toEqualTypeOf<boolean>();
  });

  it('keeps the other fields of an object that allows them, and types arrays by their items', () => {
    type Profile = ActionInput<'create-user'>['profile'];
    expectTypeOf<Profile['login']>().toEqualTypeOf<string>();
    expectTypeOf<Profile>().toMatchTypeOf<Record<string, unknown>>();
    expectTypeOf<ActionInput<'create-user'>['groupIds']>().toEqualTypeOf<string[] | undefined>();
  });

  it('gives unknown for a schema widened to JsonSchema, whose literal types are lost', () => {
    expectTypeOf<SchemaType<{ type: string }>>().toEqualTypeOf<unknown>();
  });
});
