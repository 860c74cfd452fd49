/** A CloudTrail record as S3 delivers it in `{"Records":[...]}` and as `CloudTrailEvent` holds it. */
export type CloudTrailRecord = Record<string, unknown> & {
  eventVersion: string;
  eventID: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion: string;
};

/** One element of LookupEvents' `Events`, as the API sends it (EventTime in epoch seconds). */
export interface LookupEvent {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId?: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  Resources: { ResourceType?: string; ResourceName?: string }[];
  CloudTrailEvent: string;
}

/** A key pair the emulator accepts, with what GetCallerIdentity says about it. */
export interface EmulatorKey {
  secretAccessKey: string;
  /** When set, requests must carry it as X-Amz-Security-Token (temporary keys). */
  sessionToken?: string;
  /** Default TEST_ACCOUNT. LookupEvents answers only this account's records. */
  account?: string;
  arn?: string;
  /** LookupEvents is refused with AccessDeniedException, as for an identity without cloudtrail:LookupEvents. */
  denyLookup?: boolean;
}

export interface CloudTrailEmulatorOptions {
  /** Records (makeCloudTrailEvent) to start with. */
  events?: CloudTrailRecord[];
  /** Access key id → secret access key, or the whole key. Default `{ [TEST_ACCESS_KEY_ID]: TEST_SECRET_ACCESS_KEY }`. */
  credentials?: Record<string, string | EmulatorKey>;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added before every answer. */
  latencyMs?: number;
  /** LookupEvents calls per second per access key and region (sliding window); the excess gets ThrottlingException. */
  rateLimit?: number;
  /** The server clock, for signature expiry and the default time range. */
  now?: () => Date;
  /** Only answer records whose awsRegion is the signed region. Default true. */
  regionFilter?: boolean;
}

/** What a scripted failure does to one request. */
export type Failure =
  | { code: string; message?: string; status?: number }
  | { httpStatus: number }
  | { stall: true };

export interface RecordedRequest {
  service: 'cloudtrail' | 'sts' | null;
  /** LookupEvents, GetCallerIdentity, or what the request named. */
  action: string | null;
  /** The region of the signature's scope. */
  region: string | null;
  /** The access key id of a request whose signature held. */
  accessKeyId: string | null;
  /** The JSON body (CloudTrail) or the form fields (STS) as received. */
  params: Record<string, unknown>;
  time: Date;
  httpStatus: number;
  /** The error's code (`__type` / `<Code>`), or null when it was served (or answered by status / stall). */
  errorCode: string | null;
  eventCount: number;
  /** The NextToken given back, or null on the last page. */
  nextToken: string | null;
}

export interface CloudTrailEmulator {
  /** `http://127.0.0.1:PORT`, for `endpoint` (CloudTrail and STS both). */
  url: string;
  port: number;
  /** Every request received, in order of arrival. */
  requests: RecordedRequest[];
  /** The next `n` requests meet `failure` instead of being served. */
  failNext(n: number, failure: Failure): void;
  setEvents(events: CloudTrailRecord[]): void;
  /** Late arrivals: visible to queries started after this call. */
  addEvents(events: CloudTrailRecord[]): void;
  /** Requests served successfully, optionally of one action. */
  served(action?: 'LookupEvents' | 'GetCallerIdentity'): RecordedRequest[];
  close(): Promise<void>;
}
