import type { BuiltinRule } from './define.js';
import accessDeniedBurst from './access-denied-burst.js';
import auditTampering from './audit-tampering.js';
import billingOperation from './billing-operation.js';
import camCredentialChange from './cam-credential-change.js';
import failedCallsSpike from './failed-calls-spike.js';
import impossibleTravel from './impossible-travel.js';
import resourceDeletion from './resource-deletion.js';
import rootApiUsage from './root-api-usage.js';
import rootConsoleLogin from './root-console-login.js';
import rootLoginNewIp from './root-login-new-ip.js';
import sensitiveOperation from './sensitive-operation.js';
import trailSilent from './trail-silent.js';

export type { BuiltinRule } from './define.js';

/** Every built-in rule by id, in the order they are listed and evaluated. */
export const BUILTIN_RULES: Record<string, BuiltinRule> = Object.fromEntries(
  [
    rootConsoleLogin, rootApiUsage, resourceDeletion, billingOperation, failedCallsSpike,
    accessDeniedBurst, auditTampering, camCredentialChange, sensitiveOperation, rootLoginNewIp, trailSilent,
    impossibleTravel,
  ].map((r) => [r.spec.id, r]),
);

export const BUILTIN_PACKS: Record<string, string[]> = {
  recommended: Object.keys(BUILTIN_RULES),
};
