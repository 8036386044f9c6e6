/**
 * The simulated Okta org as the bench uses it. It is loaded only if `local/okta-sim/index.ts` exists (it was built
 * at the same time as the bench), so a missing simulator is reported, not a crash.
 */
import type { OktaSim, StartOktaSimOptions } from '../local/okta-sim/index.js';
import { importIfPresent } from './connector-parts.js';

export type { OktaSim, StartOktaSimOptions } from '../local/okta-sim/index.js';

export const SIM_MODULE = 'local/okta-sim/index.ts';

/** Starts the simulator in this process; undefined when it does not exist. */
export async function startSimInProcess(options: StartOktaSimOptions): Promise<OktaSim | undefined> {
  const module = await importIfPresent<{ startOktaSim?: (o: StartOktaSimOptions) => Promise<OktaSim> }>(SIM_MODULE);
  if (!module?.startOktaSim) return undefined;
  return module.startOktaSim(options);
}
