/**
 * `search-users`: exactly one of `search` (Okta search expression), `filter` or `query` (Okta's `q`). Search and
 * filter results are paged through up to `limit`, with `after` to go on; `q` is one page (Okta does not page it)
 * of at most 200. Okta's search is eventually consistent: a user changed a second ago may not match yet.
 */
import { actionHandler } from '../lib/actions/action-handler.js';
import type { ActionInput } from '../catalog.js';
import { InvalidInput, type FieldProblem } from '../lib/errors.js';
import { listWithoutLinks } from '../lib/okta/objects.js';

type Input = ActionInput<'search-users'>;

export const DEFAULT_LIMIT = 200;
/** Okta's largest users page, and so the most a `q` query can return. */
const PAGE_SIZE = 200;

export const handler = actionHandler('search-users', async (input, okta, { deadline }) => {
  checkCombination(input);
  const limit = input.limit ?? DEFAULT_LIMIT;
  if (input.query !== undefined) {
    const response = await okta.request<unknown[]>(
      { method: 'GET', path: '/api/v1/users', query: { q: input.query, limit } },
      { deadline },
    );
    return { users: listWithoutLinks(Array.isArray(response.body) ? response.body : []) };
  }
  const { items, after } = await okta.list(
    {
      method: 'GET',
      path: '/api/v1/users',
      query: {
        search: input.search,
        filter: input.filter,
        after: input.after,
        sortBy: input.sortBy,
        sortOrder: input.sortOrder,
      },
    },
    { deadline, limit, pageSize: PAGE_SIZE },
  );
  return { users: listWithoutLinks(items), ...(after ? { after } : {}) };
});

/** The rules of Okta's three query kinds that a schema cannot say. */
function checkCombination(input: Input): void {
  const problems: FieldProblem[] = [];
  if (input.query !== undefined) {
    if (input.after !== undefined)
      problems.push({ field: 'after', problem: 'cannot be used with query (Okta does not page q results)' });
    if (input.limit !== undefined && input.limit > PAGE_SIZE)
      problems.push({ field: 'limit', problem: `must be at most ${PAGE_SIZE} with query` });
  }
  if (input.sortBy !== undefined && input.search === undefined)
    problems.push({ field: 'sortBy', problem: 'can be used only with search' });
  if (input.sortOrder !== undefined && input.sortBy === undefined)
    problems.push({ field: 'sortOrder', problem: 'can be used only with sortBy' });
  if (problems.length > 0) throw new InvalidInput(problems);
}
