/**
 * The peak resident set size of this process. `getrusage`'s maxRSS cannot be used for a child process: Linux
 * carries the maximum over `exec`, so a child spawned by a 100 MB parent reports at least 100 MB whatever it does.
 * `VmHWM` in /proc/self/status is the high-water mark of this program's own memory map, reset at `exec`.
 */
import { readFileSync } from 'node:fs';

export function peakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall back below.
  }
  return process.resourceUsage().maxRSS * 1024;
}
