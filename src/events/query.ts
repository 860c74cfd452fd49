import { AuditError } from '../errors.js';
import type { AuditEvent } from './schema.js';

/** What `audit events` can narrow a listing to. */
export interface EventQuery {
  names?: string[];
  user?: string;
  accessKey?: string;
  ip?: string;
  errors?: boolean;
  writes?: boolean;
}

const GLOB = /[*?[\]{}]/;

/**
 * The query as a rule condition, so it matches exactly as rules do (globs, CIDRs); undefined
 * when nothing narrows. A bad CIDR or glob is a usage error naming the flag.
 */
export async function queryFilter(q: EventQuery): Promise<((event: AuditEvent) => boolean) | undefined> {
  const when: Record<string, unknown> = {};
  if (q.names?.length) when.name = q.names;
  if (q.user) when['actor.name'] = q.user;
  if (q.accessKey) when['actor.accessKeyId'] = q.accessKey;
  if (q.ip) when.sourceIp = { cidr: q.ip.includes('/') ? q.ip : `${q.ip}/${q.ip.includes(':') ? 128 : 32}` };
  if (q.errors) when.error = { exists: true };
  if (q.writes) when.readOnly = false;
  if (Object.keys(when).length === 0) return undefined;
  const { compileWhen } = await import('../rules/when.js');
  const issues: { path: (string | number)[]; message: string }[] = [];
  const compiled = compileWhen(when, [], issues);
  if (!compiled) throw new AuditError('E_USAGE', `invalid filter: ${issues.map((i) => `${flagOf(i.path[0])}: ${i.message}`).join('; ')}`);
  return compiled.test as (event: AuditEvent) => boolean;
}

function flagOf(field: unknown): string {
  return { name: '--name', 'actor.name': '--user', 'actor.accessKeyId': '--access-key', sourceIp: '--ip' }[String(field)] ?? String(field);
}

/** What the API can filter itself (LookUpEvents): exact names, the user, the access key, writes. The rest is filtered here. */
export function pushDown(q: EventQuery): { eventNames?: string[]; lookup?: { username?: string; accessKeyId?: string; readOnly?: boolean } } {
  const exact = q.names?.length && !q.names.some((n) => GLOB.test(n)) ? q.names : undefined;
  const lookup = { username: q.user, accessKeyId: q.accessKey, readOnly: q.writes ? false : undefined };
  const any = Object.values(lookup).some((v) => v !== undefined);
  return { ...(exact ? { eventNames: exact } : {}), ...(any ? { lookup } : {}) };
}

/** One CSV row; cells that a spreadsheet would run as a formula are prefixed with `'`. */
export function csvRow(cells: readonly (string | null)[]): string {
  return cells
    .map((c) => {
      let v = c ?? '';
      if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
      return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(',');
}

export const CSV_HEADER = ['time', 'name', 'service', 'region', 'account', 'actor_type', 'actor', 'access_key', 'source_ip', 'error', 'resources', 'id'];

export function csvLine(e: AuditEvent): string {
  return csvRow([e.time, e.name, e.service, e.region, e.account, e.actor.type, e.actor.name ?? e.actor.id, e.actor.accessKeyId, e.sourceIp, e.error?.code ?? '', e.resources.map((r) => r.name).join(' '), e.id]);
}
