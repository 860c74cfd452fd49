/** One element of `Response.Events`, shaped as Tencent's CloudAudit API returns it. */
export interface ApiEvent {
  EventId: string;
  EventName: string;
  /** Unix seconds as a string (current API), or `YYYY-MM-DD HH:mm:ss` in UTC+8 (older answers). */
  EventTime: string;
  /** The full record, itself a JSON string. */
  CloudAuditEvent: string;
  Username: string;
  SecretId: string;
  SourceIPAddress: string;
  /** CAM (authentication) error code; 0 when the call was allowed. */
  ErrorCode: number;
  EventRegion: string;
  ResourceRegion?: string;
  RequestID: string;
  EventSource: string;
  AccountID: number;
  Resources: { ResourceType: string; ResourceName: string };
  ResourceTypeCn?: string;
  EventNameCn?: string;
  Location?: string;
}

export type CloudAuditAction = 'LookUpEvents' | 'DescribeEvents';
export type StsAction = 'AssumeRole' | 'GetCallerIdentity';

/** A CAM role AssumeRole may hand out keys for. */
export interface EmulatorRole {
  roleArn: string;
  /** The account the role lives in: its keys see that account's events only. */
  account: string;
  /** When set, AssumeRole must send exactly this ExternalId (the trust policy's condition). */
  externalId?: string;
  /** false: the trust policy names nobody, every AssumeRole is refused. Default true. */
  allow?: boolean;
  /** Accounts the trust policy names; default any caller. */
  trusted?: string[];
}

/** Keys AssumeRole issued (a test helper may look at them; the real API never shows them again). */
export interface IssuedCredential {
  roleArn: string;
  account: string;
  sessionName: string;
  secretId: string;
  secretKey: string;
  token: string;
  /** Unix seconds, as AssumeRole's ExpiredTime. */
  expiredTime: number;
}

/** A key pair the emulator accepts; a token, when given, must come as X-TC-Token. */
export type EmulatorCredential = string | { secretKey: string; token?: string };

export interface EmulatorOptions {
  events?: ApiEvent[];
  /** SecretId → SecretKey. Defaults to `{ [TEST_SECRET_ID]: TEST_SECRET_KEY }`. */
  credentials?: Record<string, EmulatorCredential>;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added before every answer. */
  latencyMs?: number;
  /** Requests per second (sliding one-second window); the excess is answered RequestLimitExceeded. */
  rateLimit?: number;
  /** The server clock, for signature expiry (and retention). */
  now?: () => Date;
  /** Only answer events whose EventRegion is the request's X-TC-Region. Default true. */
  regionFilter?: boolean;
  /** When set, DescribeEvents rejects a StartTime older than this many days (the API documents 90). */
  retentionDays?: number;
  /**
   * SecretId → the account it belongs to. Default: every key is DEFAULT_ACCOUNT's. With this or
   * `roles` given, CloudAudit answers a caller only its own account's events (by AccountID).
   */
  accounts?: Record<string, string>;
  roles?: EmulatorRole[];
  /** Lifetime of AssumeRole keys, overriding the request's DurationSeconds. */
  tokenLifetimeSeconds?: number;
  /**
   * The clock AssumeRole keys are issued and expire by. Separate from `now` (signature times),
   * because the SDK signs with the real clock while a test moves this one past an expiry.
   */
  stsClock?: () => Date;
  /**
   * The clock scheduled arrivals (`addEvents(events, visibleAt)`) are judged by: a test stepping
   * simulated minutes moves it with its runs. Default: the real clock.
   */
  arrivalClock?: () => Date;
}

/** What a scripted failure does to one request. */
export type Failure =
  | { code: string; message?: string }
  | { httpStatus: number }
  | { stall: true };

export interface RecordedRequest {
  action: string | null;
  region: string | null;
  secretId: string | null;
  /** The JSON body as received. */
  params: Record<string, unknown>;
  time: Date;
  httpStatus: number;
  /** Response.Error.Code, or null when the request succeeded (or was answered by HTTP status / stall). */
  errorCode: string | null;
  /** The account the signing key belongs to, once the signature checked out. */
  account: string | null;
  /** How many events the answer carried. */
  eventCount: number;
  listOver: boolean | null;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT`, ready for `source.endpoint`. */
  url: string;
  port: number;
  /** Every CloudAudit request received, in order of arrival. */
  requests: RecordedRequest[];
  /** Every STS request (AssumeRole, GetCallerIdentity), kept apart so CloudAudit counts stay what they were. */
  stsRequests: RecordedRequest[];
  /** Every key AssumeRole handed out, oldest first. */
  issued: IssuedCredential[];
  /** The next `n` CloudAudit requests meet `failure` instead of being served. Calls queue up. */
  failNext(n: number, failure: Failure): void;
  /** The same for the next `n` STS requests. */
  failNextSts(n: number, failure: Failure): void;
  /** Every key AssumeRole issued so far stops working now, whatever its ExpiredTime said. */
  revokeIssued(): void;
  setEvents(events: ApiEvent[]): void;
  /** Late arrivals: visible to queries started after this call, or once `arrivalClock` reaches `visibleAt`. */
  addEvents(events: ApiEvent[], visibleAt?: Date): void;
  /** Requests that were served successfully: CloudAudit ones, or those of one action (STS ones too). */
  served(action?: CloudAuditAction | StsAction): RecordedRequest[];
  close(): Promise<void>;
}
