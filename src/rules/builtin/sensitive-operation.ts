import { defineBuiltinRule } from './define.js';

export default defineBuiltinRule({
  id: 'sensitive-operation',
  title: 'Sensitive operation',
  zh: '敏感操作',
  description: 'CloudAudit flagged the call as a sensitive operation.',
  severity: 'medium',
  when: { sensitive: true, error: null },
  why: 'CloudAudit marks operations with security impact (its sensitive operation list); they deserve a second look.',
});
