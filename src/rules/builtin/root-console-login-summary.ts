// The built-in's code-made summary, apart from its spec (define.ts loads the rule schema): the
// config cache re-attaches it by rule id (summaries.ts) without loading every built-in.
import { getPath } from '../../util/template.js';
import type { Alert } from '../model.js';
import type { Locale } from '../../util/locale.js';
import { clean } from '../phrases.js';

/** Places a record may say whether MFA was used; CloudAudit is not consistent about it. */
const MFA_PATHS = [
  'raw.userIdentity.sessionContext.mfa',
  'raw.userIdentity.sessionContext.mfaAuthenticated',
  'raw.userIdentity.sessionContext.attributes.mfaAuthenticated',
  'raw.additionalEventData.MFAUsed',
  'raw.additionalEventData.mfaUsed',
  // ActionTrail's ConsoleSignin.
  'raw.additionalEventData.isMFAChecked',
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

export function summarizeRootConsoleLogin(alert: Alert, locale: Locale): string {
  const e = alert.event;
  const mfa = mfaUsed(alert);
  const who = clean(e.actor.name ?? e.actor.id ?? '', 60);
  const ip = e.sourceIp ? clean(e.sourceIp, 60) : null;
  const code = e.error ? clean(e.error.code, 80) : null;
  if (locale === 'zh-CN') {
    const how = mfa === true ? '已使用 MFA' : mfa === false ? '未使用 MFA' : '未记录是否使用 MFA';
    const account = e.account ? `（账号 ${clean(e.account, 40)}）` : ' ';
    return `根账号 ${who}${account}从 ${ip ?? '未知地址'} 登录控制台，${how}${code ? `（失败：${code}）` : ''}`.replace(/\s+/g, ' ');
  }
  const how = mfa === true ? 'with MFA' : mfa === false ? 'WITHOUT MFA' : 'MFA use not recorded';
  const account = e.account ? ` (account ${clean(e.account, 40)})` : '';
  return `Root account ${who}${account} signed in to the console from ${ip ?? 'an unknown address'}, ${how}${code ? ` (failed: ${code})` : ''}`.replace(/\s+/g, ' ');
}
