/** A progress bar on stderr: redrawn in place on a terminal, one line per update otherwise (logs, CI). */
import type { Output } from './cli-support.js';

export interface ProgressBar {
  update(fraction: number, text: string): void;
  done(text: string): void;
}

const WIDTH = 30;

export function progressBar(output: Output, label: string): ProgressBar {
  const render = (fraction: number, text: string) => {
    const clamped = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(clamped * WIDTH);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.round(clamped * 100)).padStart(3)}% ${text}`;
  };
  return {
    update(fraction, text) {
      if (output.errIsTty) process.stderr.write(`\r${render(fraction, text)}\x1b[K`);
      else output.err(render(fraction, text));
    },
    done(text) {
      if (output.errIsTty) process.stderr.write(`\r${render(1, text)}\x1b[K\n`);
      else output.err(render(1, text));
    },
  };
}
