import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const JOURNAL_FILE = 'outbox.journal';

/**
 * Deliveries as they complete, one line each, appended next to the state file: a run killed
 * mid-delivery (even by SIGKILL) then re-sends at most what was in flight, not everything it
 * had already sent. The next load applies the lines to the outbox; the next save folds them
 * into the state file and removes the journal. Replaying a line twice is harmless.
 */
export interface Journal {
  delivered(alertId: string, notifier: string): void;
  /** Lines written since the state file was last saved, oldest first. */
  read(): { alertId: string; notifier: string }[];
  clear(): void;
}

export function openJournal(dir: string): Journal {
  const file = join(dir, JOURNAL_FILE);
  return {
    // Synchronous on purpose: the line is in the kernel before the next send starts.
    delivered: (alertId, notifier) => appendFileSync(file, `${JSON.stringify([alertId, notifier])}\n`, { mode: 0o600 }),
    read() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return [];
      }
      const out: { alertId: string; notifier: string }[] = [];
      for (const line of text.split('\n')) {
        try {
          const [alertId, notifier] = JSON.parse(line) as unknown[];
          if (typeof alertId === 'string' && typeof notifier === 'string') out.push({ alertId, notifier });
        } catch {
          // a torn last line from a kill: that delivery is simply sent again
        }
      }
      return out;
    },
    clear: () => rmSync(file, { force: true }),
  };
}
