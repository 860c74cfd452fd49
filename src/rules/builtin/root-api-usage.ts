import { defineBuiltinRule } from './define.js';

export default defineBuiltinRule({
  id: 'root-api-usage',
  title: 'Root credentials used for a write call',
  zh: '根账号凭证执行了写操作',
  description: 'A write (non read-only) API or console call was made with root account credentials.',
  severity: 'high',
  when: { 'actor.root': true, readOnly: false, login: false },
  // One alert per key and action per period: a script using the root key must not flood the pager.
  groupBy: ['actor.accessKeyId', 'name'],
  suppress: '15m',
  why: 'Root keys cannot be scoped or audited per person; any write made with them should be moved to a CAM user or role.',
});
