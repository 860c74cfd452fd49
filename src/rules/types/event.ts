import { describeAlert, fingerprint } from '../alert.js';
import type { Alert } from '../model.js';
import { defineRuleType, type RuleState } from './define.js';

/** A rule without a window: every fresh matching event is an alert (unless suppressed). */
export const eventRule = defineRuleType({
  type: 'event',
  windowed: false,
  create(rule, runtime): RuleState {
    return {
      push(event, ms, fresh) {
        if (!fresh) return undefined;
        const key = rule.groupKey(event);
        if (!runtime.allowed(rule, key, Number.isFinite(ms) ? ms : runtime.now().getTime())) return undefined;
        const { id, title, severity } = rule.rule;
        const alert: Alert = {
          id: fingerprint(id, key, event.id),
          time: event.time,
          rule: { id, title, severity },
          summary: '',
          event,
          count: 1,
          group: rule.groupObject(event),
          window: null,
        };
        describeAlert(rule.rule, alert, runtime.locales);
        return alert;
      },
      advance: () => [],
      snapshot: () => undefined,
      retained: () => 0,
      dropped: () => 0,
    };
  },
});
