// A local AWS CloudTrail (LookupEvents) and STS (GetCallerIdentity) for tests and the demo. It
// must stay free of test-runner imports, so it can be bundled like the CloudAudit emulator.
export { startCloudTrailEmulator, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from './server.js';
export { makeCloudTrailEvent, spreadCloudTrailEvents, TEST_ACCOUNT, type CloudTrailEventSpec } from './events.js';
export { toLookupEvent, MAX_RESULTS } from './lookup.js';
export { verifyAwsRequest, MAX_SKEW_MS } from './auth.js';
export { signV4, canonicalRequest, computeSignature, parseAuthorization, toAmzDate, type Scope } from './sigv4.js';
export type { CloudTrailEmulator, CloudTrailEmulatorOptions, CloudTrailRecord, EmulatorKey, Failure, LookupEvent, RecordedRequest } from './types.js';
