import { getPath } from '../../util/template.js';
import type { Alert } from '../model.js';
import { defineBuiltinRule } from './define.js';

/** Places a record may say whether MFA was used; CloudAudit is not consistent about it. */
const MFA_PATHS = [
  'raw.userIdentity.sessionContext.mfa',
  'raw.userIdentity.sessionContext.mfaAuthenticated',
  'raw.userIdentity.sessionContext.attributes.mfaAuthenticated',
  'raw.additionalEventData.MFAUsed',
  'raw.additionalEventData.mfaUsed',
];
const YES = new Set(['true', '1', 'yes', 'y']);
const NO = new Set(['false', '0', 'no', 'n']);

/** true / false when the record tells, undefined when it does not. */
export function mfaUsed(alert: Alert): boolean | undefined {
  for (const path of MFA_PATHS) {
    const value = getPath(alert.event, path);
    if (value === undefined || value === null || typeof value === 'object') continue;
    const text = String(value).trim().toLowerCase();
    if (YES.has(text)) return true;
    if (NO.has(text)) return false;
  }
  return undefined;
}

export default defineBuiltinRule({
  id: 'root-console-login',
  title: 'Root account signed in to the console',
  description: 'The root (main) account signed in to the Tencent Cloud console. Day-to-day work should use CAM sub-users.',
  severity: 'critical',
  when: { name: 'ConsoleLogin', 'actor.type': { eq: 'Root', ignoreCase: true } },
  why: 'Teams work through sub-users; a root sign-in is rare and may mean a leaked password.',
  summarize: (alert) => {
    const e = alert.event;
    const mfa = mfaUsed(alert);
    const how = mfa === true ? 'with MFA' : mfa === false ? 'WITHOUT MFA' : 'MFA use not recorded';
    const outcome = e.error ? ` (failed: ${e.error.code})` : '';
    return `Root account ${e.actor.name ?? e.actor.id ?? ''} signed in to the console from ${e.sourceIp ?? 'an unknown address'}, ${how}${outcome}`.replace(/\s+/g, ' ');
  },
});
