/**
 * `search-users` written with `@okta/okta-sdk-nodejs`: the peer of `functions/actions/search-users.ts`, with the
 * same input and output (`{users, after?}`). The SDK's collection pages by itself; the cursor handed back is the
 * `after` of the page it would fetch next, so a caller can go on where this call stopped.
 */
import { afterOf, oktaSdkClient } from './okta-sdk-client.js';

export interface SearchUsersInput {
  search?: string;
  filter?: string;
  query?: string;
  limit?: number;
  after?: string;
  connection?: string;
}

/** Okta's largest page of users (OKTA-API-FACTS §2). */
const PAGE_SIZE = 200;

export const handler = async (input: SearchUsersInput): Promise<{ users: unknown[]; after?: string }> => {
  const client = await oktaSdkClient(input.connection);
  const limit = input.limit ?? PAGE_SIZE;
  const collection = await client.userApi.listUsers({
    search: input.search,
    filter: input.filter,
    q: input.query,
    after: input.after,
    limit: Math.min(PAGE_SIZE, limit),
  });
  const users: unknown[] = [];
  for await (const user of collection) {
    if (user) users.push(user);
    if (users.length >= limit && collection.currentItems.length === 0) break;
  }
  return { users, after: afterOf(collection.currentItems.length === 0 ? collection.nextUri : undefined) };
};
