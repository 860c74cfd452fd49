import { defineBuiltinRule } from './define.js';

export default defineBuiltinRule({
  id: 'failed-calls-spike',
  title: 'Failed API calls spiked',
  zh: '失败调用激增',
  description: 'Failed calls in the last 5 minutes rose more than 30% over the 5 minutes before (at least 5 failures).',
  severity: 'medium',
  when: { error: { exists: true } },
  window: '5m',
  spike: { increase: '30%', minCount: 5 },
  why: 'A sudden rise in errors usually means a broken deploy, an expired key or someone probing permissions.',
});
