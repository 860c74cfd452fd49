import { defineBuiltinRule } from './define.js';

export default defineBuiltinRule({
  id: 'root-login-new-ip',
  title: 'Root signed in from a new address',
  zh: '根账号从新地址登录',
  description:
    'A root console sign-in from a source IP the account has not used in 90 days. The first 7 days per account only learn the usual addresses.',
  severity: 'high',
  when: { login: true, 'actor.root': true },
  firstSeen: { field: 'sourceIp', per: ['account'], learn: '7d', forget: '90d' },
  why: 'A root sign-in from the usual office is routine; from an address never seen before it may be a stolen password.',
});
