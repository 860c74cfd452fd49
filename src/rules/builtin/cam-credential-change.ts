import { defineBuiltinRule } from './define.js';

/** CAM event names as CloudAudit records them (see the CAM operation list of CloudAudit). */
export const CAM_KEY_ACTIONS = [
  'CreateAccessKey', 'CreateApiKey', 'CreateCollApiKey', 'CreateProjectKey', 'EnableApiKey', 'EnableCollApiKey', 'EnableProjectKey',
];
export const CAM_POLICY_ACTIONS = [
  'AttachUserPolicy', 'AttachUserPolicies', 'AttachUsersPolicy', 'AttachGroupPolicy', 'AttachGroupPolicies', 'AttachGroupsPolicy',
];
export const CAM_USER_ACTIONS = ['AddUser', 'AddSubAccount', 'AddSubAccountCheckingMFA', 'AddConsoleUser', 'CreateSubAccounts'];
export const CAM_MFA_ACTIONS = ['UnbindStoken', 'UnbindSubAccount', 'SetSafeAuthFlag', 'SetMfaFlag'];
/** The same changes as Alibaba Cloud RAM (ActionTrail) and AWS IAM (CloudTrail) name them. */
export const RAM_IAM_ACTIONS = [
  'CreateUser', 'CreateLoginProfile', 'AttachPolicyToUser', 'AttachPolicyToGroup', 'AttachPolicyToRole', 'UnbindMFADevice',
  'AttachRolePolicy', 'PutUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'AddUserToGroup', 'DeactivateMFADevice', 'DeleteVirtualMFADevice',
];

export default defineBuiltinRule({
  id: 'cam-credential-change',
  title: 'Credentials or permissions changed',
  zh: '访问凭证或权限变更',
  description: 'An access key was created or enabled, a policy attached to a user or group, a user created, or MFA unbound or loosened.',
  severity: 'high',
  when: {
    any: [
      { name: [...CAM_KEY_ACTIONS, ...CAM_POLICY_ACTIONS, ...CAM_USER_ACTIONS, ...CAM_MFA_ACTIONS, ...RAM_IAM_ACTIONS] },
      // UpdateAccessKey both enables and disables; disabling a key is a defence, not a risk.
      { name: 'UpdateAccessKey', 'raw.requestParameters.Status': { ne: 'Inactive' } },
    ],
    error: null,
  },
  why: 'New keys, users and grants are how an intruder keeps access; each should be a change someone expected.',
});
