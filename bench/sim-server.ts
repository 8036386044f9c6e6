/**
 * Runs the simulated org in a process of its own, so its work does not share a core with the code measured.
 * Options come as JSON in `BENCH_SIM_OPTIONS`. Prints `OKTA_ORG_URL=`, `OKTA_API_TOKEN=` and `READY`, then serves
 * until SIGTERM.
 *
 * It also times the simulator's own work on every request: from the server's `request` event to `writeHead`
 * (the simulator builds the whole body before it writes the head). On stdin, `timings` prints
 * `TIMINGS <json: ms per request since the last call>` and starts a new list.
 */
import { Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import { startSimInProcess, type StartOktaSimOptions } from './okta-sim.js';

const timings: number[] = [];
// Both originals are called below on their own object (`Reflect.apply(emit, this …)`, `writeHead.apply(this …)`).
// eslint-disable-next-line @typescript-eslint/unbound-method
const emit = Server.prototype.emit;
Server.prototype.emit = function timedEmit(this: Server, event: string, ...args: unknown[]) {
  if (event === 'request') {
    const [req, res] = args as [IncomingMessage, ServerResponse];
    const started = performance.now();
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const writeHead = res.writeHead;
    res.writeHead = function timedWriteHead(
      this: ServerResponse,
      ...headArgs: Parameters<ServerResponse['writeHead']>
    ) {
      if (req.url?.startsWith('/api/v1/')) timings.push(performance.now() - started);
      return writeHead.apply(this, headArgs);
    } as ServerResponse['writeHead'];
  }
  return Reflect.apply(emit, this, [event, ...args]) as boolean;
} as Server['emit'];

const options = JSON.parse(process.env.BENCH_SIM_OPTIONS ?? '{}') as StartOktaSimOptions;
const sim = await startSimInProcess({ port: 0, ...options });
if (!sim) {
  console.log('MISSING=local/okta-sim/index.ts');
  process.exit(3);
}
console.log(`OKTA_ORG_URL=${sim.url}`);
console.log(`OKTA_API_TOKEN=${sim.apiToken}`);
console.log('READY');

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'timings') return;
  console.log(`TIMINGS ${JSON.stringify(timings.splice(0))}`);
});

const stop = () => {
  void sim.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
