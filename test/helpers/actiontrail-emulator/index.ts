// A local Alibaba Cloud ActionTrail (and STS GetCallerIdentity) API for tests and the demo. It must
// stay free of test-runner imports, so it can be bundled like the CloudAudit emulator.
export { startActionTrailEmulator, TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET, ACTIONTRAIL_VERSION, STS_VERSION } from './server.js';
export { makeActionTrailEvent, spreadActionTrailEvents, TEST_ACCOUNT_ID, type ActionTrailEventSpec } from './events.js';
export { signAcs3, canonicalRequest, canonicalQuery, percentEncode, parseAuthorization, sha256Hex, ALGORITHM } from './signature.js';
export { verifyRequest, NonceStore, MAX_SKEW_MS, type ApiError } from './verify.js';
export { MAX_RESULTS, MAX_ATTRIBUTES } from './lookup.js';
export type {
  ActionTrailCredential,
  ActionTrailEmulator,
  ActionTrailEmulatorOptions,
  ActionTrailFailure,
  ActionTrailRecord,
  ActionTrailRequest,
} from './types.js';
