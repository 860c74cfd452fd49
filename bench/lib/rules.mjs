// Rule sets for the replay cases: the `recommended` pack plus twenty custom rules of the kinds
// people write (names, globs, CIDRs, regexes, raw fields, windows), and N rules pinned to exact
// event names for the rule-scaling case.

export const EXTRA_RULES = `
- id: console-login-off-network
  severity: high
  when: { name: ConsoleLogin, not: { sourceIp: { cidr: [198.51.100.0/26, "2001:db8::/32"] } } }
- id: security-group-opened-by-root
  when: { name: CreateSecurityGroupPolicies, error: null, actor.type: Root }
- id: prod-object-deleted
  when: { name: DeleteObject, resources.name: "prod-*" }
- id: mass-stop
  window: 10m
  count: { gte: 20 }
  groupBy: [actor.name]
  when: { name: [StopInstances, TerminateInstances], error: null }
- id: database-deleted
  severity: critical
  when: { name: DeleteDBInstance }
- id: load-balancer-deleted
  when: { name: DeleteLoadBalancers }
- id: failed-writes-burst
  window: 5m
  count: { gte: 50 }
  groupBy: [actor.name]
  when: { readOnly: false, error: { exists: true } }
- id: many-ips-per-user
  window: 10m
  distinct: { field: sourceIp, gte: 5 }
  groupBy: [actor.name]
  when: { name: ConsoleLogin }
- id: describe-flood
  severity: low
  window: 1m
  count: { gte: 1000 }
  groupBy: [actor.accessKeyId]
  when: { name: "Describe*" }
- id: cam-write
  when: { service: cam, readOnly: false, name: { ne: ConsoleLogin } }
- id: terraform-purchase
  severity: info
  when: { name: RunInstances, userAgent: { contains: terraform } }
- id: purchase-outside-home-regions
  when: { name: RunInstances, region: { notIn: [ap-guangzhou, ap-shanghai, ap-beijing] } }
- id: root-failed-call
  when: { actor.type: Root, error: { exists: true } }
- id: access-key-created
  severity: high
  when: { name: CreateAccessKey }
- id: user-removed-from-group
  when: { name: RemoveUserFromGroup }
- id: password-reset
  when: { name: { regex: "^(Modify|Reset).*Password$" } }
- id: contractor-sensitive-call
  when: { raw.sensitiveAction: "1", actor.name: { startsWith: user-3 } }
- id: auth-failure-code
  severity: low
  when: { error.code: { glob: ["AuthFailure*", "UnauthorizedOperation*"] } }
- id: bucket-policy-changed
  when: { name: [PutBucketPolicy, DeleteBucketPolicy, PutBucketAcl] }
- id: network-change-from-outside
  when:
    name: [DeleteSecurityGroup, CreateSecurityGroupPolicies]
    not: { sourceIp: { cidr: [198.51.100.0/26, 10.0.0.0/8] } }
`;

/** Real action names of the synthetic data that deserve a rule, then names no event carries. */
const NAMES = [
  'ConsoleLogin', 'RunInstances', 'DeleteSecurityGroup', 'StopInstances', 'PutBucketPolicy',
  'CreateAccessKey', 'TerminateInstances', 'DeleteDBInstance', 'RemoveUserFromGroup', 'DeleteLoadBalancers',
];

/**
 * `n` rules, each pinned to one exact event name: most to names no event carries (a long tail of
 * services), a few to real ones, so the work per event must not grow with the number of rules.
 */
export function pinnedRules(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const name = i < NAMES.length ? NAMES[i] : `Action${String(i).padStart(4, '0')}`;
    out.push(`- id: pinned-${i}\n  when: { name: ${name}, error: null }`);
  }
  return `${out.join('\n')}\n`;
}
