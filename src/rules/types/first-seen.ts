import * as z from 'zod';
import { DAY_MS } from '../../util/duration.js';
import { boundedDuration } from '../../util/duration-schema.js';
import { describeAlert, fingerprint } from '../alert.js';
import { fullEvent } from '../deferred.js';
import { distinctKey, grouping } from '../group.js';
import type { Alert } from '../model.js';
import { fieldPathSchema } from '../option-schemas.js';
import { defineRuleType, type RuleState } from './define.js';
import { baselineSnapshotSchema, emptyBaseline, evict, forgetBefore, MAX_VALUES_TOTAL, readBaseline, writeBaseline } from './first-seen-baseline.js';

const learnDuration = boundedDuration({ max: 90 * DAY_MS });
const forgetDuration = boundedDuration({ min: 1, max: 365 * DAY_MS });

/**
 * Forgetting walks every value, so it runs at most once per a sixteenth of `forget` (at least an
 * hour) of event time. It only frees memory: lookups judge a value's age themselves, eviction
 * forgets the old values first and every snapshot is swept, so alerts and state do not depend on it.
 */
const sweepEvery = (forget: number) => Math.max(60 * 60_000, forget / 16);

/**
 * `firstSeen: { field: sourceIp, per: [account], learn: 7d }`: alerts the first time a value of
 * the field shows up for its group. The baseline is the rule's snapshot, kept in the state file,
 * so a restart goes on from what it learned instead of alerting on everything again.
 */
export const firstSeenRule = defineRuleType({
  type: 'firstSeen',
  key: 'firstSeen',
  windowed: false,
  // A parallel replay hands over the field and the groups; the whole event is read only for an alert.
  deferredFields: (rule) => {
    const o = rule.firstSeen as { field: string; per?: string | string[] };
    return [o.field, ...(o.per === undefined ? [] : Array.isArray(o.per) ? o.per : [o.per])];
  },
  snapshot: baselineSnapshotSchema,
  options: z
    .strictObject({
      field: fieldPathSchema.describe('The field whose new values alert, e.g. sourceIp or name.'),
      per: z
        .union([fieldPathSchema, z.array(fieldPathSchema).min(1)])
        .transform((g) => (Array.isArray(g) ? g : [g]))
        .optional()
        .describe('Field path or list of paths: each group (e.g. [account] or [actor.accessKeyId]) learns its own values. Default: one baseline for the rule.'),
      learn: learnDuration
        .default(7 * DAY_MS)
        .describe(`How long a group only records, counted on event time from its first event; 0 alerts from the first event on. Default 7d. ${learnDuration.description}`),
      forget: forgetDuration
        .default(90 * DAY_MS)
        .describe(`A value not seen for this long is forgotten and alerts again when it returns. Default 90d. ${forgetDuration.description}`),
      maxValues: z
        .number()
        .int()
        .min(1)
        .max(MAX_VALUES_TOTAL)
        .default(1000)
        .describe(`Most values remembered per group; past it the value seen longest ago is forgotten first. Default 1000, at most ${MAX_VALUES_TOTAL} (also the most per rule over all groups).`),
    })
    .describe('First-seen rule: alerts the first time a value of a field appears for a group, after a learning period, e.g. { field: sourceIp, per: [account], learn: 7d }.'),
  create(rule, runtime, init, { field, per, learn, forget, maxValues }): RuleState {
    const valueOf = distinctKey(field);
    const groups = grouping(per ?? []);
    // A restored baseline has recorded every event an earlier run saw; a new one records all it is given.
    const restored = init.snapshot !== undefined;
    const b = restored ? readBaseline(init.snapshot) : emptyBaseline();
    // Late events (up to lateness behind the newest) must find the values they would have found in order.
    const keepFor = forget + runtime.latenessMs;
    const sweepMs = sweepEvery(forget);
    let sweptAt = b.high;

    function alert(event: Parameters<RuleState['push']>[0], key: string, value: string, ms: number): Alert | undefined {
      if (!runtime.allowed(rule, rule.groupKey(event), ms)) return undefined;
      const { id, title, severity } = rule.rule;
      const out: Alert = {
        id: fingerprint(id, key, value, event.id),
        time: event.time,
        rule: { id, title, severity },
        summary: '',
        event: fullEvent(event),
        count: 1,
        group: groups.group(event),
        window: null,
      };
      describeAlert(rule.rule, out, runtime.locales);
      return out;
    }

    return {
      push(event, ms, fresh) {
        if ((!fresh && restored) || !Number.isFinite(ms)) return undefined;
        const value = valueOf(event);
        if (value === undefined) return undefined;
        if (ms > b.high) b.high = ms;
        const key = groups.key(event);
        let g = b.groups.get(key);
        // A group silent for longer than `forget` has forgotten everything: it learns again.
        if (g && g.last < ms - forget) {
          b.size -= g.values.size;
          b.groups.delete(key);
          g = undefined;
        }
        if (!g) b.groups.set(key, (g = { group: groups.group(event), since: ms, last: ms, values: new Map() }));
        else {
          if (ms < g.since) g.since = ms;
          if (ms > g.last) g.last = ms;
        }
        const seen = g.values.get(value);
        // Known: seen within `forget` of this event, or first seen after it (an older event is no news).
        const known = seen !== undefined && seen.last >= ms - forget;
        let out: Alert | undefined;
        if (!known) {
          if (!seen) b.size++;
          g.values.set(value, { first: ms, last: ms });
          if (fresh && ms >= g.since + learn) out = alert(event, key, value, ms);
          evict(b, g, maxValues, b.high - keepFor);
        } else {
          if (ms < seen.first) seen.first = ms;
          if (ms > seen.last) seen.last = ms;
        }
        if (b.high >= sweptAt + sweepMs) {
          forgetBefore(b, b.high - keepFor);
          sweptAt = b.high;
        }
        return out;
      },
      advance: () => [],
      snapshot() {
        forgetBefore(b, b.high - keepFor);
        return writeBaseline(b);
      },
      retained: () => b.size + b.groups.size,
      dropped: () => 0,
    };
  },
});
