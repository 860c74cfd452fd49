import * as z from 'zod';
import { windowSnapshotSchema } from '../window-snapshot.js';
import { createWindowRule } from '../windows.js';
import { defineRuleType, type RuleState } from './define.js';

/** `count: { gte: 20 }`: at least (or more than) that many matching events in the window, per group. */
export const countRule = defineRuleType({
  type: 'count',
  key: 'count',
  windowed: true,
  deferredFields: () => [],
  snapshot: windowSnapshotSchema,
  options: z
    .strictObject({
      gte: z.number().int().min(1).optional().describe('Fires when the window holds at least this many matching events (per group). Give gte or gt.'),
      gt: z.number().int().min(0).optional().describe('Fires when the window holds more than this many matching events (per group). Give gte or gt.'),
    })
    .refine((c) => (c.gte === undefined) !== (c.gt === undefined), { message: 'give exactly one of gte or gt' })
    .describe('Count rule: alerts when the matching events in the window reach a number, e.g. { gte: 20 }. Needs window.'),
  create(rule, runtime, init, { gte, gt }): RuleState {
    const fires = gt !== undefined ? (n: number) => n > gt : (n: number) => n >= (gte ?? 1);
    return createWindowRule(rule, runtime, init, { fires });
  },
});
