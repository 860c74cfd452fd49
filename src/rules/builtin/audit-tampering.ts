import { defineBuiltinRule } from './define.js';

export default defineBuiltinRule({
  id: 'audit-tampering',
  title: 'CloudAudit tracking stopped, deleted or changed',
  zh: '云审计跟踪集被停止、删除或修改',
  description: 'A CloudAudit tracking set was stopped, deleted or modified.',
  severity: 'critical',
  when: {
    name: ['StopLogging', 'DeleteAudit', 'DeleteAuditTrack', 'UpdateAudit', 'ModifyAuditTrack', 'ModifyEventsAuditTrack'],
    error: null,
  },
  why: 'Turning off or redirecting the audit trail is what an intruder does before acting unseen.',
});
