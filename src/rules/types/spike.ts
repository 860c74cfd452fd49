import * as z from 'zod';
import { percentSchema } from '../option-schemas.js';
import { windowSnapshotSchema } from '../window-snapshot.js';
import { createWindowRule } from '../windows.js';
import { defineRuleType, type RuleState } from './define.js';

/**
 * `spike: { increase: 30%, minCount: 5 }`: the window's count against the window before it.
 * An empty window before counts as zero, so 0 → 10 with minCount 5 is a spike.
 */
export const spikeRule = defineRuleType({
  type: 'spike',
  key: 'spike',
  windowed: true,
  deferredFields: () => [],
  snapshot: windowSnapshotSchema,
  lookbackWindows: 2,
  options: z
    .strictObject({
      increase: percentSchema
        .optional()
        .describe('Fires when the window has more events than the one before by more than this, e.g. "30%" (strictly). Give increase or decrease.'),
      decrease: percentSchema
        .optional()
        .describe('Fires when the window has fewer events than the one before by more than this, e.g. "50%" (strictly). Give increase or decrease.'),
      minCount: z
        .number()
        .int()
        .min(1)
        .default(1)
        .describe('Fewest events to judge: the current window for increase (an empty window before counts as zero), the one before for decrease. Default 1.'),
    })
    .refine((s) => (s.increase === undefined) !== (s.decrease === undefined), { message: 'give exactly one of increase or decrease' })
    .describe("Spike rule: compares the window's count with the window just before it, e.g. { increase: 30%, minCount: 5 }. Needs window."),
  create(rule, runtime, init, { increase, decrease, minCount }): RuleState {
    const fires =
      increase !== undefined
        ? (cur: number, prev: number) => cur >= minCount && (prev === 0 || (cur - prev) / prev > increase)
        : (cur: number, prev: number) => prev >= minCount && (prev - cur) / prev > decrease!;
    return createWindowRule(rule, runtime, init, { fires, firesOnEmpty: decrease !== undefined });
  },
});
