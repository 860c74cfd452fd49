// STS GetCallerIdentity (2011-06-15) over the query protocol: a form-encoded POST, an XML answer.
import { randomUUID } from 'node:crypto';
import type { AuthFailure } from './auth.js';
import type { EmulatorKey } from './types.js';

export const STS_VERSION = '2011-06-15';
const NS = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function parseForm(body: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

/** The answer for a verified key: its account and ARN, and the unique id AWS gives a user. */
export function callerIdentityXml(accessKeyId: string, key: EmulatorKey, account: string): string {
  const arn = key.arn ?? `arn:aws:iam::${account}:user/emulator`;
  const userId = key.sessionToken ? `AROAEXAMPLEROLEID0001:${accessKeyId}` : `AIDA${accessKeyId.slice(4, 20).padEnd(16, 'X')}`;
  return (
    `<GetCallerIdentityResponse xmlns="${NS}"><GetCallerIdentityResult>` +
    `<Arn>${xmlEscape(arn)}</Arn><UserId>${xmlEscape(userId)}</UserId><Account>${xmlEscape(account)}</Account>` +
    `</GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
  );
}

export function stsErrorXml(e: AuthFailure): string {
  return (
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${xmlEscape(e.code)}</Code><Message>${xmlEscape(e.message)}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

/** Form fields of a GetCallerIdentity request, or what is wrong with them. */
export function checkStsRequest(form: Record<string, string>): AuthFailure | null {
  if (form.Action !== 'GetCallerIdentity') {
    return { code: 'InvalidAction', message: `Could not find operation ${form.Action ?? '(none)'} for version ${form.Version ?? '(none)'}` };
  }
  if (form.Version !== STS_VERSION) return { code: 'InvalidAction', message: `Could not find operation GetCallerIdentity for version ${form.Version ?? '(none)'}` };
  return null;
}
