import { defineBuiltinRule } from './define.js';

export default defineBuiltinRule({
  id: 'access-denied-burst',
  title: 'Burst of permission failures from one access key',
  zh: '同一访问密钥集中出现权限错误',
  description: 'One access key got at least 20 authentication or permission failures within 5 minutes.',
  severity: 'high',
  when: {
    any: [
      {
        'error.code': {
          glob: ['AuthFailure*', 'UnauthorizedOperation*', '*.UnauthorizedOperation*', '*AccessDenied*', '*PermissionDenied*', '*NoPermission*', '*Forbidden*', '403'],
          ignoreCase: true,
        },
      },
      { 'error.message': { regex: 'unauthori[sz]ed|not authori[sz]ed|permission denied|access denied|no permission|forbidden', ignoreCase: true } },
    ],
  },
  window: '5m',
  count: { gte: 20 },
  groupBy: ['actor.accessKeyId'],
  why: 'A key hammering APIs it may not call is a stolen key being explored or a misconfigured service.',
});
