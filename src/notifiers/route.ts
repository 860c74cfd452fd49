import { severityRank, type Alert } from '../rules/model.js';
import type { Notifier } from './types.js';

/** The rule's `notify:` list for an alert; undefined means every notifier. */
export type Routes = (alert: Alert) => readonly string[] | undefined;

/** The one routing decision: the rule's `notify:` (default all), then the notifier's minSeverity. */
export function routes(notifier: Pick<Notifier, 'name' | 'minSeverity'>, alert: Alert, ruleRoutes: Routes | undefined): boolean {
  const names = ruleRoutes?.(alert);
  if (names && !names.includes(notifier.name)) return false;
  return !notifier.minSeverity || severityRank(alert.rule.severity) >= severityRank(notifier.minSeverity);
}

/** The names of the notifiers an alert should reach. */
export function targetsFor(alert: Alert, notifiers: readonly Notifier[], ruleRoutes: Routes | undefined): string[] {
  return notifiers.filter((n) => routes(n, alert, ruleRoutes)).map((n) => n.name);
}
