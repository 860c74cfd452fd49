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
  /** How many events the answer carried. */
  eventCount: number;
  listOver: boolean | null;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT`, ready for `source.endpoint`. */
  url: string;
  port: number;
  /** Every request received, in order of arrival. */
  requests: RecordedRequest[];
  /** The next `n` requests meet `failure` instead of being served. Calls queue up. */
  failNext(n: number, failure: Failure): void;
  setEvents(events: ApiEvent[]): void;
  /** Late arrivals: visible to queries started after this call. */
  addEvents(events: ApiEvent[]): void;
  /** Requests that were served successfully, optionally of one action. */
  served(action?: CloudAuditAction): RecordedRequest[];
  close(): Promise<void>;
}
