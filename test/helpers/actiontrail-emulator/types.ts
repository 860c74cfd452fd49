/** One ActionTrail event record, as LookupEvents returns it in `Events` (camelCase fields). */
export type ActionTrailRecord = Record<string, unknown> & { eventId: string; eventName: string; eventTime: string };

/** A key pair the emulator accepts: the secret, or the secret with an STS token and the account it belongs to. */
export type ActionTrailCredential = string | { secret: string; token?: string; accountId?: string; userName?: string };

export interface ActionTrailEmulatorOptions {
  events?: ActionTrailRecord[];
  /** AccessKeyId → credential. Defaults to `{ [TEST_ACCESS_KEY_ID]: TEST_ACCESS_KEY_SECRET }` of TEST_ACCOUNT_ID. */
  credentials?: Record<string, ActionTrailCredential>;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added before every answer. */
  latencyMs?: number;
  /** Calls per second (sliding one-second window); the excess is answered Throttling.User with HTTP 400. */
  rateLimit?: number;
  /** The server clock, for x-acs-date expiry and default time ranges. */
  now?: () => Date;
  /** Only answer events of the caller's account (recipientAccountId, else userIdentity.accountId). Default true. */
  accountFilter?: boolean;
}

/** What a scripted failure does to one request: an API error, a bare HTTP status, or no answer at all. */
export type ActionTrailFailure = { code: string; httpStatus?: number; message?: string } | { httpStatus: number } | { stall: true };

export interface ActionTrailRequest {
  /** x-acs-action, e.g. LookupEvents or GetCallerIdentity. */
  action: string | null;
  version: string | null;
  method: string;
  accessKeyId: string | null;
  /** Query and form parameters, decoded. */
  params: Record<string, string>;
  time: Date;
  httpStatus: number;
  /** The error Code answered, or null when the call succeeded (or was answered by a bare status / stall). */
  errorCode: string | null;
  eventCount: number;
  /** Whether the answer carried a NextToken. */
  more: boolean;
}

export interface ActionTrailEmulator {
  /** `http://127.0.0.1:PORT`, ready for `endpoint` and `stsEndpoint`. */
  url: string;
  port: number;
  /** Every request received, in order of arrival. */
  requests: ActionTrailRequest[];
  /** The next `n` requests meet `failure` instead of being served. */
  failNext(n: number, failure: ActionTrailFailure): void;
  setEvents(events: ActionTrailRecord[]): void;
  /** Late arrivals: visible to listings started after this call. */
  addEvents(events: ActionTrailRecord[]): void;
  /** Requests served successfully, optionally of one action. */
  served(action?: string): ActionTrailRequest[];
  close(): Promise<void>;
}
