import { defineBuiltinRule } from './define.js';

export default defineBuiltinRule({
  id: 'audit-tampering',
  title: 'Audit trail stopped, deleted or changed',
  zh: '审计跟踪被停止、删除或修改',
  description: 'A trail was stopped, deleted or modified: a CloudAudit tracking set, a CloudTrail trail or an ActionTrail trail.',
  severity: 'critical',
  when: {
    // CloudAudit's own, then CloudTrail's and ActionTrail's (which share these names).
    name: ['StopLogging', 'DeleteAudit', 'DeleteAuditTrack', 'UpdateAudit', 'ModifyAuditTrack', 'ModifyEventsAuditTrack', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'],
    error: null,
  },
  why: 'Turning off or redirecting the audit trail is what an intruder does before acting unseen.',
});
