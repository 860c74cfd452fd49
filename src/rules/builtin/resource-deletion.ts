import { defineBuiltinRule } from './define.js';

export default defineBuiltinRule({
  id: 'resource-deletion',
  title: 'Resource deleted',
  zh: '资源被删除',
  description: 'A call that deletes or releases a resource succeeded (Delete*, Remove*, Terminate*, Destroy*, Release*).',
  severity: 'high',
  when: { name: ['Delete*', 'Remove*', 'Terminate*', 'Destroy*', 'Release*'], error: null },
  why: 'Deleting is the operation most likely to cause an outage (e.g. a deleted SSL certificate took a site down).',
});
