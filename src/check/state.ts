import type { Alert } from '../rules/types.js';
import { memorySuppression } from '../rules/types.js';
import type { StateStore } from '../state/index.js';
import { createIdSet } from '../util/id-set.js';

/** The part of the state a check evaluation needs; `--no-state` gets a forgetful one. */
export type CheckState = Pick<
  StateStore,
  'checkpoint' | 'setCheckpoint' | 'hasSeen' | 'markSeen' | 'hasAlert' | 'suppression'
> & { recordAlert(alert: Pick<Alert, 'id' | 'time'>): void };

/**
 * For ad-hoc queries: no checkpoint, no dedupe across runs. Alerts are still deduplicated
 * within the run, and suppression still applies within it.
 */
export function ephemeralState(): CheckState {
  const alerts = createIdSet();
  return {
    checkpoint: () => undefined,
    setCheckpoint: () => {},
    hasSeen: () => false,
    markSeen: () => {},
    hasAlert: (id) => alerts.has(id),
    recordAlert: (alert) => void alerts.add(alert.id),
    suppression: memorySuppression(),
  };
}
