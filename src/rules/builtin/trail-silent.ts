import { defineBuiltinRule } from './define.js';

export default defineBuiltinRule({
  id: 'trail-silent',
  title: 'The audit trail went quiet',
  zh: '审计日志中断',
  description:
    'No event at all from an account and region for 30 minutes, after events within the last 7 days. Off by default: a quiet night is normal for a small account. Enable it with a window that suits the account: `- { id: trail-silent, enabled: true, window: 2h }`.',
  severity: 'high',
  enabled: false,
  when: {},
  window: '30m',
  flatline: { lt: 1 },
  groupBy: ['account', 'region'],
  why: 'A trail that stops is how an intruder hides; so is a broken delivery nobody noticed.',
});
