/**
 * `npm run sim`: the simulated Okta org alone. Prints `OKTA_ORG_URL=…`, `OKTA_API_TOKEN=…` and `READY`, then
 * serves until SIGINT or SIGTERM. Arguments: `--port N` (or `PORT`), `--users N`, `--seed realistic|empty`.
 */
import { parseArgs } from 'node:util';
import { startOktaSim } from './index.js';
import type { SeedOption } from './seed.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    users: { type: 'string' },
    seed: { type: 'string', default: 'realistic' },
  },
});

const PORT = Number(values.port ?? process.env.PORT ?? 0);
if (!Number.isInteger(PORT) || PORT < 0) throw new Error(`--port must be a port number, got ${values.port}`);
if (values.seed !== 'realistic' && values.seed !== 'empty') throw new Error('--seed must be realistic or empty');
let seed: SeedOption = values.seed;
if (values.users !== undefined) {
  const users = Number(values.users);
  if (!Number.isInteger(users) || users < 0) throw new Error(`--users must be a whole number, got ${values.users}`);
  // A sized org keeps the realistic mix of groups, apps and sign-in history around its users.
  seed = values.seed === 'empty' ? { users } : { users, groups: 8, apps: 6, signInDays: 3 };
}

const sim = await startOktaSim({ port: PORT, seed });
process.stdout.write(`OKTA_ORG_URL=${sim.url}\nOKTA_API_TOKEN=${sim.apiToken}\nREADY\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  sim.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
