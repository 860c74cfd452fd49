import { AuditError } from '../../errors.js';
import type { SourceStats } from '../types.js';
import { createCaller, type Call, type CloudAuditClient, type RetryDelays } from './caller.js';
import type { CredentialSource } from './credentials.js';
import type { TencentcloudOptions } from './options.js';
import { processSessions, roleCredentials } from './role-credentials.js';
import type { TencentSourceContext } from './source.js';
import { callerAccount, createSts, stsEndpointOf, type Sts } from './sts.js';

/** One account the source lists: its keys, its SDK clients and its own rate budget. */
export interface AccountWatch {
  id: string;
  /** Its place in `accounts`; undefined for the caller's own account. */
  index?: number;
  call: Call;
  stats(): SourceStats;
}

export interface AccountDeps {
  /** A CloudAudit client for one region, signing with `credentials`. */
  newClient(region: string, credentials: CredentialSource): CloudAuditClient;
  delays: RetryDelays;
}

/**
 * The caller's own account first (its id from `account`, else STS GetCallerIdentity, asked once
 * per process), then each of `accounts` through its role. Nothing is assumed yet: a role is
 * assumed on its partitions' first call, so one that cannot be fails those partitions only.
 */
export async function openAccounts(opts: TencentcloudOptions, own: CredentialSource, ctx: TencentSourceContext, deps: AccountDeps): Promise<AccountWatch[]> {
  const roles = opts.accounts ?? [];
  const sessions = ctx.sessions ?? processSessions;
  const endpoint = stsEndpointOf(opts);
  const scope = `${endpoint.protocol}${endpoint.host}`;
  let sts: Sts | undefined;
  if (!opts.account || roles.length > 0) {
    ctx.logger.debug({ endpoint: scope, credentials: own.origin, roles: roles.length }, 'STS ready');
    sts = await createSts({
      endpoint,
      region: opts.regions[0],
      timeoutMs: opts.timeout,
      credentials: own,
      maxAttempts: opts.maxAttempts,
      delays: deps.delays,
      logger: ctx.logger,
    });
  }
  const ownId = opts.account ?? (await ownAccount(sts!, scope, own, sessions.accounts));
  const mine = roles.findIndex((r) => r.id === ownId);
  if (mine !== -1) {
    throw new AuditError('E_CONFIG', `accounts[${mine}]: ${ownId} is the credentials' own account, already watched without a role; remove it from accounts`);
  }

  const watch = (id: string, credentials: CredentialSource, index?: number): AccountWatch => {
    const clients = new Map<string, CloudAuditClient>();
    const caller = createCaller({
      clientFor: async (region) => {
        let client = clients.get(region);
        if (!client) clients.set(region, (client = deps.newClient(region, credentials)));
        return client;
      },
      credentials,
      maxRequestsPerSecond: opts.maxRequestsPerSecond,
      maxAttempts: opts.maxAttempts,
      delays: deps.delays,
      logger: ctx.logger,
    });
    return { id, index, call: caller.call, stats: caller.stats };
  };
  const roleDeps = { sts: sts!, scope, own, sessions, now: ctx.now, logger: ctx.logger };
  return [watch(ownId, own), ...roles.map((role, i) => watch(role.id, roleCredentials(i, role, roleDeps), i))];
}

/** GetCallerIdentity, asked once per key and STS endpoint in the process's life. */
async function ownAccount(sts: Sts, scope: string, own: CredentialSource, known: Map<string, string>): Promise<string> {
  const key = JSON.stringify([scope, (await own.get()).secretId]);
  let id = known.get(key);
  if (id === undefined) known.set(key, (id = await callerAccount(sts)));
  return id;
}
