import { countRule } from './count.js';
import { distinctRule } from './distinct.js';
import { eventRule } from './event.js';
import { firstSeenRule } from './first-seen.js';
import { flatlineRule } from './flatline.js';
import { spikeRule } from './spike.js';
import { travelRule } from './travel.js';
import type { RuleTypePlugin } from './define.js';

/**
 * Rule type name → plugin: the only list. The rule schema, the loader, `rules validate` and
 * `rules list` all read it; a new type is one file plus one line here.
 */
export const ruleTypes = {
  event: eventRule,
  count: countRule,
  spike: spikeRule,
  distinct: distinctRule,
  flatline: flatlineRule,
  firstSeen: firstSeenRule,
  travel: travelRule,
} satisfies Record<string, RuleTypePlugin>;

export type RuleTypeName = keyof typeof ruleTypes;

/** The types chosen by a key in the rule (`count:`, `spike:`, ...), in map order. */
export const keyedRuleTypes = Object.values(ruleTypes as Record<string, RuleTypePlugin>).filter((t) => t.key !== undefined);

/** The type a rule's keys choose: the one whose key it has, else `event`. */
export function ruleTypeOf(rule: object): RuleTypePlugin {
  return keyedRuleTypes.find((t) => (rule as Record<string, unknown>)[t.key!] !== undefined) ?? ruleTypes.event;
}
