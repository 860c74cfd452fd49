import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/events/index.js';
import { compileRules } from '../../src/rules/compile.js';
import { createEngine, usableStates, type StoredRuleState } from '../../src/rules/engine.js';
import { memorySuppression, type Alert } from '../../src/rules/model.js';
import { at, ev, rule, run } from './helpers.js';

const START = 1000;
const SPECS = [{ id: 'delete-burst', when: { name: 'DeleteBucket' }, window: '5m', count: { gte: 10 }, groupBy: ['actor.name'] }];

/** 6,000 events a third of a second apart; a burst of 36 deletions by one user every 7 minutes. */
function trail(): AuditEvent[] {
  return Array.from({ length: 6000 }, (_, i) => {
    const s = START + i * 0.333;
    const minute = Math.floor((s - START) / 60);
    const name = minute % 7 === 3 && Math.floor(s - START) % 60 < 36 && i % 3 === 0 ? 'DeleteBucket' : 'DescribeInstances';
    const user = `u${minute % 40}`;
    return ev({ id: `e${i}`, name, time: at(s), actor: { type: 'CAMUser', id: user, name: user, accessKeyId: null, root: false } });
  });
}
const summary = (alerts: Alert[]) => alerts.map((a) => `${a.time} ${a.count} ${JSON.stringify(a.group)}`).sort();

describe('events read partition by partition, as a Kafka group does', () => {
  const events = trail();
  // Four partitions by key (here the index), each in time order.
  const parts = [0, 1, 2, 3].map((p) => events.filter((_, i) => i % 4 === p));
  const until = new Date(at(START + 6000));
  const ordered = summary(run(SPECS, events, { until }));

  it('one pass over chunks of each partition in turn raises what the ordered file raises', () => {
    const mixed: AuditEvent[] = [];
    for (let c = 0; c * 300 < parts[0].length; c++) for (const p of [2, 0, 3, 1]) mixed.push(...parts[p].slice(c * 300, c * 300 + 300));
    expect(ordered.length).toBeGreaterThan(8);
    expect(summary(run(SPECS, mixed, { until }))).toEqual(ordered);
  });

  it('runs reading uneven chunks, each judging up to the earliest partition not caught up, with the state saved between: the same alerts', () => {
    const ruleSet = compileRules(SPECS.map(rule));
    const suppression = memorySuppression();
    const pos = [0, 0, 0, 0];
    const watermarks = [-Infinity, -Infinity, -Infinity, -Infinity];
    let saved: readonly StoredRuleState[] = [];
    const raised = new Map<string, Alert>();
    // Which partitions each run reads a chunk of: some far ahead of others.
    const turns = [[2, 2, 0], [3, 1, 0], [1, 1, 2], [0, 3, 3], [2, 1, 0], [3, 0, 1], [2, 2, 3], [0, 1, 1]];
    for (let r = 0; pos.some((n, p) => n < parts[p].length); r++) {
      const restored = usableStates(ruleSet, JSON.parse(JSON.stringify(saved)), (m) => {
        throw new Error(m);
      });
      const engine = createEngine(ruleSet, { now: () => new Date('2030-01-01'), suppression, restored, start: { historyFromMs: -Infinity } });
      const alerts: Alert[] = [];
      for (const p of turns[r % turns.length]) {
        for (const e of parts[p].slice(pos[p], pos[p] + 333)) {
          alerts.push(...engine.push(e));
          watermarks[p] = Math.max(watermarks[p], Date.parse(e.time));
          pos[p]++;
        }
      }
      const judgeTo = Math.min(...watermarks.map((w, p) => (pos[p] >= parts[p].length ? Infinity : w)));
      alerts.push(...engine.advance(judgeTo === Infinity ? until.getTime() : judgeTo));
      for (const a of alerts) if (!raised.has(a.id)) raised.set(a.id, a);
      saved = engine.states();
    }
    expect(summary([...raised.values()])).toEqual(ordered);
  });
});
