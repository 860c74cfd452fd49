import { defineBuiltinRule } from './define.js';
import { summarizeRootConsoleLogin } from './root-console-login-summary.js';

export { mfaUsed } from './root-console-login-summary.js';

export default defineBuiltinRule({
  id: 'root-console-login',
  title: 'Root account signed in to the console',
  zh: '根账号登录控制台',
  description: 'The root (main) account signed in to the console (Tencent Cloud, Alibaba Cloud or AWS). Day-to-day work should use sub-users (CAM, RAM, IAM).',
  severity: 'critical',
  when: { login: true, 'actor.root': true },
  why: 'Teams work through sub-users; a root sign-in is rare and may mean a leaked password.',
  summarize: summarizeRootConsoleLogin,
});
