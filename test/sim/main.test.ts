// `npm run sim` prints the contract's lines, serves a seeded org, and exits 0 on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { match } from '../support/match.js';

let child: ChildProcess;
let lines: string[] = [];

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'local/okta-sim/main.ts', '--users', '2000'], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('READY\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`npm run sim exited early with ${code}`)));
  });
  lines = output.trim().split('\n');
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm run sim', () => {
  it('prints the org URL, the API token and READY, in that order', () => {
    expect(lines).toEqual([
      match.stringMatching(/^OKTA_ORG_URL=http:\/\/127\.0\.0\.1:\d+$/),
      match.stringMatching(/^OKTA_API_TOKEN=\S{20,}$/),
      'READY',
    ]);
  });

  it('serves an org of the size asked for with that token', async () => {
    const url = (lines[0] as string).split('=')[1] as string;
    const token = (lines[1] as string).split('=')[1] as string;
    const response = await fetch(`${url}/api/v1/groups/${await everyoneId(url, token)}/users?limit=10000`, {
      headers: { authorization: `SSWS ${token}` },
    });
    expect(((await response.json()) as unknown[]).length).toBe(2001);
  });

  it('exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

async function everyoneId(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/groups?q=Everyone`, { headers: { authorization: `SSWS ${token}` } });
  return ((await response.json()) as Array<{ id: string }>)[0]?.id as string;
}
