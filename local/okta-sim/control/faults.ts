/**
 * Injected faults: for requests whose method and path match, answer a 429, a 5xx with an Okta error body, a
 * concurrency 429, wait before answering, or drop the connection before any response. A fault fires `count`
 * times (forever when absent), each time with `probability` (1 when absent).
 */
import type { Random } from '../random.js';

export type FaultKind = 'rate-limit' | 'server-error' | 'delay' | 'drop' | 'concurrency-limit';

export interface FaultSpec {
  type: FaultKind;
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Regular expression source matched against the path (any when absent). */
  path?: string;
  count?: number;
  probability?: number;
  /** For `server-error`: the status (500 by default) and the Okta error code (E0000009 by default). */
  status?: number;
  errorCode?: string;
  /** For `delay`: milliseconds to wait before handling the request normally. */
  delayMs?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  fired: number;
}

export interface Faults {
  add(spec: FaultSpec): Fault;
  remove(id: string): boolean;
  clear(): void;
  list(): Fault[];
  /** The faults that fire for this request (counted as fired), in the order they were added. */
  take(method: string, path: string): Fault[];
}

export function createFaults(random: Random): Faults {
  let faults: Array<Fault & { pattern: RegExp }> = [];
  let nextId = 1;
  return {
    add(spec) {
      const fault = { ...spec, id: `fault-${nextId++}`, fired: 0, pattern: new RegExp(spec.path ?? '.*') };
      faults.push(fault);
      return publicFault(fault);
    },
    remove(id) {
      const before = faults.length;
      faults = faults.filter((fault) => fault.id !== id);
      return faults.length !== before;
    },
    clear() {
      faults = [];
    },
    list: () => faults.map(publicFault),
    take(method, path) {
      if (faults.length === 0) return [];
      const firing: Fault[] = [];
      for (const fault of faults) {
        if (fault.method && fault.method.toUpperCase() !== method) continue;
        if (!fault.pattern.test(path)) continue;
        if (fault.count !== undefined && fault.fired >= fault.count) continue;
        if (fault.probability !== undefined && random.next() >= fault.probability) continue;
        fault.fired++;
        firing.push(publicFault(fault));
      }
      return firing;
    },
  };
}

function publicFault(fault: Fault & { pattern?: RegExp }): Fault {
  const { pattern: _pattern, ...rest } = fault;
  return { ...rest };
}
