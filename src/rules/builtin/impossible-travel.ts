import { defineBuiltinRule } from './define.js';

/**
 * Enabled only with `enrich.geoip`: without a database no event has `geo`, and a rule that can
 * never fire should say so in `audit rules list` rather than look armed (config/validate.ts).
 */
export default defineBuiltinRule({
  id: 'impossible-travel',
  title: 'Impossible travel between sign-ins',
  zh: '异地登录速度异常',
  description:
    'Two console sign-ins of the same user in one account from places at least 500 km apart, closer in time than an airliner (900 km/h) could cover. Places come from enrich.geoip (city level); the rule is off without it.',
  severity: 'high',
  when: { login: true },
  travel: { per: ['account', 'actor.id'], speedKmh: 900, minKm: 500 },
  why: 'One person cannot sign in from Guangzhou and Frankfurt twenty minutes apart: one of the two sign-ins used a stolen password or session.',
});
