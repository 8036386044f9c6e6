/** `get-user` written with `@okta/okta-sdk-nodejs`: the peer of `functions/actions/get-user.ts`. */
import { oktaSdkClient } from './okta-sdk-client.js';

export interface GetUserInput {
  userId: string;
  connection?: string;
}

export const handler = async (input: GetUserInput): Promise<unknown> => {
  const client = await oktaSdkClient(input.connection);
  return client.userApi.getUser({ userId: input.userId });
};
