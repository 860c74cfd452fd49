import { parse } from 'yaml';
import { AuditError } from '../errors.js';
import type { Alert } from './model.js';

/** Per rule: how many alerts, or exactly which events (by id) the alerts are for. */
export type Expectations = Map<string, number | string[]>;

/** Parses an `--expect` file: a YAML map of rule id to a count or a list of event ids. */
export function parseExpectations(text: string, source: string): Expectations {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new AuditError('E_USAGE', `${source}: invalid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new AuditError('E_USAGE', `${source}: expected a map of rule id to an alert count or a list of event ids`);
  }
  const out: Expectations = new Map();
  const issues: string[] = [];
  for (const [id, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) out.set(id, value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) out.set(id, value.map(String));
    else issues.push(`${id}: expected an alert count or a list of event ids`);
  }
  if (issues.length > 0) throw new AuditError('E_USAGE', `${source}: invalid expectations`, { issues });
  return out;
}

/** One line per difference between what was expected and the alerts raised; empty when all match. */
export function compareExpectations(expected: Expectations, alerts: Alert[], ruleIds: Set<string>): string[] {
  const diffs: string[] = [];
  for (const [id, want] of expected) {
    if (!ruleIds.has(id)) {
      diffs.push(`${id}: no such rule in the rules under test`);
      continue;
    }
    const got = alerts.filter((a) => a.rule.id === id);
    if (typeof want === 'number') {
      if (got.length !== want) diffs.push(`${id}: expected ${want} alert${want === 1 ? '' : 's'}, got ${got.length}`);
      continue;
    }
    const gotIds = got.map((a) => a.event.id);
    const missing = want.filter((e) => !gotIds.includes(e));
    const extra = gotIds.filter((e) => !want.includes(e));
    if (missing.length > 0) diffs.push(`${id}: expected alerts for events not alerted: ${missing.join(', ')}`);
    if (extra.length > 0) diffs.push(`${id}: unexpected alerts for events: ${extra.join(', ')}`);
  }
  return diffs;
}
