import * as z from 'zod';
import { windowSnapshotSchema } from '../window-snapshot.js';
import { createWindowRule } from '../windows.js';
import { defineRuleType, type RuleState } from './define.js';

/** `count: { gte: 20 }`: at least (or more than) that many matching events in the window, per group. */
export const countRule = defineRuleType({
  type: 'count',
  key: 'count',
  windowed: true,
  snapshot: windowSnapshotSchema,
  options: z
    .strictObject({ gte: z.number().int().min(1).optional(), gt: z.number().int().min(0).optional() })
    .refine((c) => (c.gte === undefined) !== (c.gt === undefined), { message: 'give exactly one of gte or gt' }),
  create(rule, runtime, init, { gte, gt }): RuleState {
    const fires = gt !== undefined ? (n: number) => n > gt : (n: number) => n >= (gte ?? 1);
    return createWindowRule(rule, runtime, init, { fires });
  },
});
