import * as z from 'zod';
import { distinctKey } from '../group.js';
import { fieldPathSchema } from '../option-schemas.js';
import { windowSnapshotSchema } from '../window-snapshot.js';
import { createWindowRule } from '../windows.js';
import { defineRuleType, type RuleState } from './define.js';

/** `distinct: { field: sourceIp, gte: 5 }`: that many different values of a field in the window, per group. */
export const distinctRule = defineRuleType({
  type: 'distinct',
  key: 'distinct',
  windowed: true,
  deferredFields: (rule) => [(rule.distinct as { field: string }).field],
  snapshot: windowSnapshotSchema,
  options: z
    .strictObject({
      field: fieldPathSchema.describe('The field whose different values are counted, e.g. sourceIp.'),
      gte: z.number().int().min(1).describe('Fires when the window holds at least this many different values (per group).'),
    })
    .describe('Distinct rule: alerts on many different values of a field in the window, e.g. { field: sourceIp, gte: 5 }. Needs window.'),
  create(rule, runtime, init, { field, gte }): RuleState {
    return createWindowRule(rule, runtime, init, { distinctOf: distinctKey(field), fires: (n) => n >= gte });
  },
});
