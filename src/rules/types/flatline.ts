import * as z from 'zod';
import { DAY_MS } from '../../util/duration.js';
import { boundedDuration } from '../../util/duration-schema.js';
import { defineRuleType, type RuleState } from './define.js';
import { createFlatlineState } from './flatline-state.js';
import { flatlineSnapshotSchema } from './flatline-snapshot.js';

const forgetDuration = boundedDuration({ min: 1, max: 90 * DAY_MS });

/**
 * `flatline: { lt: 1 }` with `window: 30m`: a group that was active goes quiet (a stopped trail,
 * a region that no longer reports). One alert per quiet spell; a group never seen cannot flatline.
 */
export const flatlineRule = defineRuleType({
  type: 'flatline',
  key: 'flatline',
  windowed: true,
  deferredFields: () => [],
  snapshot: flatlineSnapshotSchema,
  options: z
    .strictObject({
      lt: z.number().int().min(1).describe('Fires when a group has fewer than this many matching events in the window, e.g. 1 for none at all.'),
      forget: forgetDuration
        .default(7 * DAY_MS)
        .describe(`Only groups with a matching event this recently can flatline; longer silent ones are forgotten. Default 7d. ${forgetDuration.description}`),
    })
    .describe('Flatline rule: alerts once when a group seen before has fewer than lt matching events in the window, e.g. { lt: 1 }. Needs window; groupBy optional.'),
  create(rule, runtime, init, { lt, forget }): RuleState {
    return createFlatlineState(rule, runtime, init, lt, forget);
  },
});
