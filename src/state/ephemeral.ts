import { memorySuppression, type Alert } from '../rules/model.js';
import { createIdSet } from '../util/id-set.js';
import type { StateStore } from './store.js';

/** The part of the state one evaluation reads and writes; `--no-state` gets a forgetful one. */
export type RunState = Pick<
  StateStore,
  'checkpoint' | 'setCheckpoint' | 'frontier' | 'setFrontier' | 'hasSeen' | 'markSeen' | 'hasAlert' | 'suppression' | 'ruleStates' | 'setRuleStates'
> & { recordAlert(alert: Pick<Alert, 'id' | 'time'>): void };

/**
 * For ad-hoc queries and replays: no checkpoint, no dedupe across runs, no window history.
 * Alerts are still deduplicated within the run, and suppression still applies within it.
 */
export function ephemeralState(): RunState {
  const alerts = createIdSet();
  return {
    checkpoint: () => undefined,
    setCheckpoint: () => {},
    frontier: () => undefined,
    setFrontier: () => {},
    hasSeen: () => false,
    markSeen: () => {},
    hasAlert: (id) => alerts.has(id),
    recordAlert: (alert) => void alerts.add(alert.id),
    suppression: memorySuppression(),
    ruleStates: () => [],
    setRuleStates: () => {},
  };
}
