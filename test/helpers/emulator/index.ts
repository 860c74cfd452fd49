// A local CloudAudit API for tests, `npm run demo` and the benchmark (bundled into build/cloudaudit-emulator.js, never packed),
// so it must stay free of test-runner imports.
export { startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, API_VERSION } from './server.js';
export { makeEvent, spreadEvents, type EventSpec } from './events.js';
export { signTc3, scopeDate, canonicalRequest, parseAuthorization, type SignInput } from './signature.js';
export { verifyRequest, hostnameOf } from './auth.js';
export { eventSeconds } from './query.js';
export { DEFAULT_ACCOUNT, STS_VERSION } from './sts.js';
export { LOOKUP_MAX_SPAN_SECONDS, DESCRIBE_MAX_SPAN_SECONDS, MAX_RESULTS } from './params.js';
export type {
  ApiEvent,
  CloudAuditAction,
  Emulator,
  EmulatorCredential,
  EmulatorOptions,
  EmulatorRole,
  Failure,
  IssuedCredential,
  RecordedRequest,
  StsAction,
} from './types.js';
