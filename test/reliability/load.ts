export interface LoadOptions { deliveries: number; eventsPerDelivery: number; actionCalls: number }
export async function runLoad(_options: LoadOptions): Promise<{ ok: boolean; lines: string[] }> {
  return { ok: false, lines: ['not written yet'] };
}
