import type { BenchContext } from '../bench-context.js';
import type { MeasurementResult } from '../report.js';

export async function measurePollerCatchUp(_ctx: BenchContext): Promise<MeasurementResult> {
  return { id: 'poller', title: '5. Poller catch-up', status: 'missing', notes: ['not written yet'], figures: {} };
}
