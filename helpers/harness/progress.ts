/**
 * A progress line on stderr for a long transfer (the large upload and download, slow and streamed
 * transfers): bytes so far, of how many, and the rate, at most every few seconds. A transfer that
 * ends before the first line is due prints nothing; one that printed gets a final line.
 */

const MiB = 1024 * 1024;
const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

export interface Progress {
  /** Count bytes that went through. */
  add(bytes: number): void;
  /** Stop; prints a final line if any line was printed. */
  done(): void;
}

export function transferProgress(label: string, totalBytes?: number, everyMs = Number(process.env.ASTER_RUN_PROGRESS_MS) || 5000): Progress {
  const t0 = Date.now();
  let bytes = 0;
  let printed = false;
  let stopped = false;
  const line = (final: boolean) => {
    const s = Math.max(0.001, (Date.now() - t0) / 1000);
    const of = totalBytes ? ` of ${mib(totalBytes)} (${Math.floor((100 * bytes) / totalBytes)}%)` : '';
    process.stderr.write(`[progress] ${label}: ${mib(bytes)}${of} in ${s.toFixed(0)} s, ${mib(bytes / s)}/s${final ? ', done' : ''}\n`);
    printed = true;
  };
  const timer = setInterval(() => line(false), everyMs);
  timer.unref();
  return {
    add(n) {
      bytes += n;
    },
    done() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (printed) line(true);
    },
  };
}
