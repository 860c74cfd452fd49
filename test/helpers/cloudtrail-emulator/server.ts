import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { keyOf, verifyAwsRequest, type AuthFailure } from './auth.js';
import { TEST_ACCOUNT } from './events.js';
import { CursorStore, parseLookup, select } from './lookup.js';
import { parseAuthorization } from './sigv4.js';
import { callerIdentityXml, checkStsRequest, parseForm, stsErrorXml } from './sts.js';
import type { CloudTrailEmulator, CloudTrailEmulatorOptions, CloudTrailRecord, Failure, RecordedRequest } from './types.js';

/** The default key pair; any other must be listed in `credentials`. Never a real key. */
export const TEST_ACCESS_KEY_ID = 'AKIAEMULATORTESTKEY0';
export const TEST_SECRET_ACCESS_KEY = 'emulator/Test+Secret/Access/Key/000000000';
const TARGETS = ['CloudTrail_20131101.LookupEvents', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents'];
const JSON_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY = 1024 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A local stand-in for cloudtrail.<region>.amazonaws.com (JSON 1.1 protocol, LookupEvents) and
 * sts.<region>.amazonaws.com (query protocol, GetCallerIdentity) on one port, over plain HTTP.
 */
export async function startCloudTrailEmulator(options: CloudTrailEmulatorOptions = {}): Promise<CloudTrailEmulator> {
  let events: CloudTrailRecord[] = [...(options.events ?? [])];
  const credentials = options.credentials ?? { [TEST_ACCESS_KEY_ID]: TEST_SECRET_ACCESS_KEY };
  const now = options.now ?? (() => new Date());
  const failures: Failure[] = [];
  const requests: RecordedRequest[] = [];
  const admitted = new Map<string, number[]>();
  const cursors = new CursorStore();

  /** Judged on arrival, per key and region as CloudTrail counts, before the latency and the signature check. */
  function overRateLimit(req: IncomingMessage): boolean {
    if (!options.rateLimit || !req.headers['x-amz-target']) return false;
    const auth = parseAuthorization(req.headers.authorization);
    const bucket = `${auth?.accessKeyId}/${auth?.region}`;
    const times = admitted.get(bucket) ?? [];
    admitted.set(bucket, times);
    const t = performance.now();
    while (times.length && times[0] <= t - 1000) times.shift();
    if (times.length >= options.rateLimit) return true;
    times.push(t);
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, throttled: boolean): Promise<void> {
    const sts = rec.service === 'sts';
    const reply = (status: number, body: string, error?: string) => {
      rec.httpStatus = status;
      rec.errorCode = error ?? null;
      const type = sts ? 'text/xml' : JSON_TYPE;
      res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': randomUUID(), ...(error && !sts ? { 'x-amzn-errortype': error } : {}) });
      res.end(body);
    };
    const sendError = (e: AuthFailure, status = sts ? 403 : 400) =>
      reply(status, sts ? stsErrorXml(e) : JSON.stringify({ __type: e.code, message: e.message }), e.code);

    const body = await readBody(req);
    if (sts) {
      rec.params = parseForm(body);
      rec.action = typeof rec.params.Action === 'string' ? rec.params.Action : null;
    }
    if (options.latencyMs) await sleep(options.latencyMs);
    const failure = failures.shift();
    if (failure && 'stall' in failure) return; // never answered: the client must give up on its own
    if (failure && 'httpStatus' in failure) {
      rec.httpStatus = failure.httpStatus;
      res.writeHead(failure.httpStatus, { 'content-type': 'text/plain' }).end('emulated failure');
      return;
    }
    if (failure) return sendError({ code: failure.code, message: failure.message ?? `Emulated ${failure.code}.` }, failure.status);

    const verdict = verifyAwsRequest({ method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body }, credentials, sts ? 'sts' : 'cloudtrail', now());
    if ('error' in verdict) return sendError(verdict.error);
    rec.accessKeyId = verdict.accessKeyId;
    const account = verdict.key.account ?? TEST_ACCOUNT;
    if (sts) {
      const bad = checkStsRequest(rec.params as Record<string, string>);
      return bad ? sendError(bad, 400) : reply(200, callerIdentityXml(verdict.accessKeyId, keyOf(credentials[verdict.accessKeyId]), account));
    }
    if (throttled) return sendError({ code: 'ThrottlingException', message: 'Rate exceeded' });
    if (!TARGETS.includes(String(req.headers['x-amz-target']))) return sendError({ code: 'UnknownOperationException', message: 'Unknown operation' });
    if (verdict.key.denyLookup) {
      const who = verdict.key.arn ?? `arn:aws:iam::${account}:user/emulator`;
      return sendError({ code: 'AccessDeniedException', message: `User: ${who} is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action` });
    }
    try {
      rec.params = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      return sendError({ code: 'SerializationException', message: 'Start of structure or map found where not expected.' });
    }
    const parsed = parseLookup(rec.params, now());
    if ('error' in parsed) return sendError(parsed.error);
    const snapshot = events;
    const scope = { account, region: options.regionFilter === false ? null : verdict.region };
    const page = cursors.page(parsed.query, () => select(snapshot, parsed.query, scope));
    if ('error' in page) return sendError(page.error);
    rec.eventCount = page.events.length;
    rec.nextToken = page.nextToken ?? null;
    reply(200, JSON.stringify({ Events: page.events, ...(page.nextToken ? { NextToken: page.nextToken } : {}) }));
  }

  const server = createServer((req, res) => {
    const target = req.headers['x-amz-target'];
    const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const rec: RecordedRequest = {
      service: target ? 'cloudtrail' : form ? 'sts' : null,
      action: typeof target === 'string' ? target.split('.').pop()! : null,
      region: parseAuthorization(req.headers.authorization)?.region ?? null,
      accessKeyId: null,
      params: {},
      time: now(),
      httpStatus: 0,
      errorCode: null,
      eventCount: 0,
      nextToken: null,
    };
    requests.push(rec);
    handle(req, res, rec, overRateLimit(req)).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      rec.httpStatus = 500;
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    failNext(n, failure) {
      for (let i = 0; i < n; i++) failures.push(failure);
    },
    setEvents(next) {
      events = [...next];
    },
    addEvents(more) {
      events = [...events, ...more];
    },
    served(action) {
      return requests.filter((r) => r.httpStatus === 200 && r.errorCode === null && (!action || r.action === action));
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
