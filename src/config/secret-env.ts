/**
 * The providers' own variables for secret keys and session tokens: registered as secrets on
 * every run (config/load.ts; config/cached.ts when the config comes from the cache).
 */
export const SECRET_ENV = [
  'TENCENTCLOUD_SECRET_KEY', 'TENCENTCLOUD_SESSION_TOKEN',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN',
  'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
];
