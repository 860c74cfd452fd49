// STS (2018-08-13) on the emulator's port: GetCallerIdentity, and AssumeRole issuing keys that
// the emulator then accepts for the role's account only. Error codes follow the STS reference
// where it names one; a refused trust policy answers AuthFailure.UnauthorizedOperation.
import { randomBytes } from 'node:crypto';
import type { ApiErrorBody } from './auth.js';
import type { EmulatorCredential, EmulatorOptions, IssuedCredential, StsAction } from './types.js';

/** The account every key belongs to unless `accounts` says otherwise; makeEvent's default AccountID. */
export const DEFAULT_ACCOUNT = '100000000001';
export const STS_VERSION = '2018-08-13';
export const STS_ACTIONS: readonly string[] = ['AssumeRole', 'GetCallerIdentity'] satisfies StsAction[];
const MAX_DURATION_SECONDS = 43_200;
const DEFAULT_DURATION_SECONDS = 7_200;
const SESSION_NAME = /^[\w+=,.@-]{2,128}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,128}$/;
const ASSUME_ROLE_PARAMS = ['RoleArn', 'RoleSessionName', 'DurationSeconds', 'Policy', 'ExternalId', 'Tags', 'SourceIdentity', 'SerialNumber', 'TokenCode'];

export interface Caller {
  secretId: string;
  account: string;
  issued?: IssuedCredential;
}

type Answer = { payload: Record<string, unknown> } | { error: ApiErrorBody };
const fail = (code: string, message: string): { error: ApiErrorBody } => ({ error: { code, message } });
const token = (bytes: number) => randomBytes(bytes).toString('base64url');

export class Identities {
  readonly issued: IssuedCredential[] = [];
  private readonly temporary = new Map<string, IssuedCredential>();
  private readonly revoked = new Set<string>();
  private readonly stsNow: () => Date;

  constructor(
    private readonly options: EmulatorOptions,
    private readonly permanent: Record<string, EmulatorCredential>,
    now: () => Date,
  ) {
    this.stsNow = options.stsClock ?? now;
  }

  /** Whether CloudAudit answers each caller only its own account's events. */
  get scoped(): boolean {
    return this.options.accounts !== undefined || this.options.roles !== undefined;
  }

  /** The keys a signature may be checked against: the configured ones and those AssumeRole issued. */
  keys(): Record<string, EmulatorCredential> {
    if (this.temporary.size === 0) return this.permanent;
    const all: Record<string, EmulatorCredential> = { ...this.permanent };
    for (const [id, c] of this.temporary) all[id] = { secretKey: c.secretKey, token: c.token };
    return all;
  }

  /** Whose key signed a request (its signature already checked), or why an issued key no longer works. */
  caller(secretId: string): Caller | { error: ApiErrorBody } {
    const issued = this.temporary.get(secretId);
    if (!issued) return { secretId, account: this.options.accounts?.[secretId] ?? DEFAULT_ACCOUNT };
    if (this.revoked.has(secretId) || this.stsNow().getTime() / 1000 >= issued.expiredTime) {
      return fail('AuthFailure.TokenFailure', 'The provided Token is invalid or has expired.');
    }
    return { secretId, account: issued.account, issued };
  }

  revoke(): void {
    for (const id of this.temporary.keys()) this.revoked.add(id);
  }

  handle(action: StsAction, params: Record<string, unknown>, region: string | null, caller: Caller): Answer {
    if (!region) return fail('MissingParameter', 'The request is missing a required parameter `Region`.');
    if (action === 'GetCallerIdentity') return this.identity(params, caller);
    return this.assumeRole(params, caller);
  }

  private identity(params: Record<string, unknown>, caller: Caller): Answer {
    const extra = Object.keys(params)[0];
    if (extra !== undefined) return fail('UnknownParameter', `The parameter \`${extra}\` is not recognized.`);
    const role = caller.issued;
    const roleName = role?.roleArn.split('/').pop();
    return {
      payload: role
        ? { Arn: `qcs::sts:${caller.account}:assumed-role/${roleName}`, AccountId: caller.account, UserId: `${roleName}:${role.sessionName}`, PrincipalId: caller.account, Type: 'CAMRole' }
        : { Arn: `qcs::cam::uin/${caller.account}:uin/${caller.account}`, AccountId: caller.account, UserId: caller.account, PrincipalId: caller.account, Type: 'CAMUser' },
    };
  }

  private assumeRole(params: Record<string, unknown>, caller: Caller): Answer {
    const unknown = Object.keys(params).find((k) => !ASSUME_ROLE_PARAMS.includes(k));
    if (unknown) return fail('UnknownParameter', `The parameter \`${unknown}\` is not recognized.`);
    const { RoleArn: arn, RoleSessionName: session, DurationSeconds: duration, ExternalId: externalId } = params;
    if (typeof arn !== 'string' || arn === '') return fail('MissingParameter', 'The request is missing a required parameter `RoleArn`.');
    if (typeof session !== 'string' || !SESSION_NAME.test(session)) return fail('InvalidParameter', 'RoleSessionName must be 2 to 128 of [\\w+=,.@-].');
    if (duration !== undefined && (!Number.isInteger(duration) || (duration as number) < 1 || (duration as number) > MAX_DURATION_SECONDS)) {
      return fail('InvalidParameter.OverTimeError', `DurationSeconds must be at most ${MAX_DURATION_SECONDS}.`);
    }
    if (externalId !== undefined && (typeof externalId !== 'string' || !EXTERNAL_ID.test(externalId))) {
      return fail('InvalidParameter', 'ExternalId must be 2 to 128 of [\\w+=,.@:/-].');
    }
    const role = this.options.roles?.find((r) => r.roleArn === arn);
    if (!role) return fail('ResourceNotFound.RoleNotExist', 'The role does not exist.');
    if (role.allow === false || (role.trusted && !role.trusted.includes(caller.account))) {
      return fail('AuthFailure.UnauthorizedOperation', "The role's trust policy does not allow this caller to assume it.");
    }
    if (role.externalId !== undefined && externalId !== role.externalId) {
      return fail('AuthFailure.UnauthorizedOperation', "The ExternalId does not match the role's trust policy.");
    }
    const lifetime = this.options.tokenLifetimeSeconds ?? (duration as number | undefined) ?? DEFAULT_DURATION_SECONDS;
    const expiredTime = Math.floor(this.stsNow().getTime() / 1000) + lifetime;
    const issued: IssuedCredential = {
      roleArn: arn,
      account: role.account,
      sessionName: session,
      secretId: `AKIDTMP${token(18)}`,
      secretKey: token(24),
      token: token(48),
      expiredTime,
    };
    this.issued.push(issued);
    this.temporary.set(issued.secretId, issued);
    return {
      payload: {
        Credentials: { Token: issued.token, TmpSecretId: issued.secretId, TmpSecretKey: issued.secretKey },
        ExpiredTime: expiredTime,
        Expiration: new Date(expiredTime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    };
  }
}
