/**
 * `get-group-members` written with `@okta/okta-sdk-nodejs`: the peer of `functions/actions/get-group-members.ts`,
 * same input and output (`{users, after?}`), paged by the SDK's collection.
 */
import { afterOf, oktaSdkClient } from './okta-sdk-client.js';

export interface GetGroupMembersInput {
  groupId: string;
  limit?: number;
  after?: string;
  connection?: string;
}

/** The page size Okta recommends for group members (OKTA-API-FACTS §2). */
const PAGE_SIZE = 200;

export const handler = async (input: GetGroupMembersInput): Promise<{ users: unknown[]; after?: string }> => {
  const client = await oktaSdkClient(input.connection);
  const limit = input.limit ?? PAGE_SIZE;
  const collection = await client.groupApi.listGroupUsers({
    groupId: input.groupId,
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
