import { defineBuiltinRule } from './define.js';

/** Action names from the Tencent Cloud API reference (cvm, cbs, cdb, redis, lighthouse, clb, billing, ssl, domain). */
export const BILLING_ACTIONS = [
  // purchases
  'RunInstances', 'CreateInstances', 'CreateDisks', 'CreateDBInstance', 'CreateDBInstanceHour', 'AllocateHosts',
  'PurchaseResourcePoolPacks', 'CreateInstance',
  // renewals and auto-renew switches
  'RenewInstances', 'RenewInstance', 'RenewHosts', 'RenewDisk', 'RenewDisks', 'RenewRemoteDisk', 'RenewDBInstance',
  'RenewLoadBalancers', 'RenewDomainBatch', 'SetRenewal', 'ModifyInstancesRenewFlag', 'ModifyDisksRenewFlag',
  'ModifyAutoRenewFlag', 'SetDomainAutoRenew',
  // billing-mode changes
  'ModifyInstancesChargeType', 'ModifyDisksChargeType', 'ModifyInstanceChargeType',
  // orders and refunds
  'PayDeals', 'RefundInstance', 'CertificateOrderSubmit', 'CancelCertificateOrder',
];

export default defineBuiltinRule({
  id: 'billing-operation',
  title: 'Purchase, renewal or order',
  zh: '购买、续费或下单',
  description: 'A call that buys, renews, changes the billing of, pays for or refunds a resource.',
  severity: 'medium',
  when: { name: BILLING_ACTIONS, error: null },
  why: 'Spending calls are rare and costly; an unexpected purchase can mean abuse or a runaway script.',
});
