/**
 * Runs the simulated org in a process of its own, so its work does not share a core with the code measured.
 * Options come as JSON in `BENCH_SIM_OPTIONS`. Prints `OKTA_ORG_URL=`, `OKTA_API_TOKEN=` and `READY`, then serves
 * until SIGTERM.
 */
import { startSimInProcess, type StartOktaSimOptions } from './okta-sim.js';

const options = JSON.parse(process.env.BENCH_SIM_OPTIONS ?? '{}') as StartOktaSimOptions;
const sim = await startSimInProcess({ port: 0, ...options });
if (!sim) {
  console.log('MISSING=local/okta-sim/index.ts');
  process.exit(3);
}
console.log(`OKTA_ORG_URL=${sim.url}`);
console.log(`OKTA_API_TOKEN=${sim.apiToken}`);
console.log('READY');

const stop = () => {
  void sim.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
