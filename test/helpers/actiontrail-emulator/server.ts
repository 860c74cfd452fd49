import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { TEST_ACCOUNT_ID } from './events.js';
import { Cursors, parseLookup, select } from './lookup.js';
import { parseQuery } from './signature.js';
import type { ActionTrailCredential, ActionTrailEmulator, ActionTrailEmulatorOptions, ActionTrailFailure, ActionTrailRecord, ActionTrailRequest } from './types.js';
import { NonceStore, verifyRequest, type ApiError } from './verify.js';

/** Default key pair, of TEST_ACCOUNT_ID; any other must be listed in `credentials`. Never a real key. */
export const TEST_ACCESS_KEY_ID = 'LTAI5tEmulatorTestKey000';
export const TEST_ACCESS_KEY_SECRET = 'emulator-test-secret-0000000000';
export const ACTIONTRAIL_VERSION = '2020-07-06';
export const STS_VERSION = '2015-04-01';
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

const accountOf = (cred: ActionTrailCredential) => (typeof cred === 'string' ? TEST_ACCOUNT_ID : (cred.accountId ?? TEST_ACCOUNT_ID));

/**
 * A local stand-in for actiontrail.<region>.aliyuncs.com and sts.aliyuncs.com over plain HTTP:
 * Signature V3 checked as the gateway does, LookupEvents (2020-07-06) paged with NextToken, and
 * STS GetCallerIdentity (2015-04-01). One emulator is one region: the client names the region
 * by the host it calls, which a local endpoint cannot carry.
 */
export async function startActionTrailEmulator(options: ActionTrailEmulatorOptions = {}): Promise<ActionTrailEmulator> {
  let events: ActionTrailRecord[] = [...(options.events ?? [])];
  const credentials = options.credentials ?? { [TEST_ACCESS_KEY_ID]: TEST_ACCESS_KEY_SECRET };
  const now = options.now ?? (() => new Date());
  const failures: ActionTrailFailure[] = [];
  const requests: ActionTrailRequest[] = [];
  const admitted: number[] = [];
  const cursors = new Cursors();
  const nonces = new NonceStore();

  /** Judged on arrival, as a gateway counts, not after the latency sleep. */
  function overRateLimit(): boolean {
    if (!options.rateLimit) return false;
    const t = performance.now();
    while (admitted.length && admitted[0] <= t - 1000) admitted.shift();
    if (admitted.length >= options.rateLimit) return true;
    admitted.push(t);
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, rec: ActionTrailRequest, throttled: boolean): Promise<void> {
    const send = (status: number, payload: Record<string, unknown>) => {
      rec.httpStatus = status;
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ RequestId: randomUUID().toUpperCase(), ...payload }));
    };
    const sendError = (e: ApiError) => {
      rec.errorCode = e.code;
      send(e.status, { HostId: String(req.headers.host ?? ''), Code: e.code, Message: e.message, Recommend: `https://api.aliyun.com/troubleshoot?q=${e.code}` });
    };
    const body = await readBody(req);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? parseQuery(body.toString('utf8')) : [];
    rec.params = Object.fromEntries([...parseQuery(q === -1 ? '' : url.slice(q + 1)), ...form]);
    if (options.latencyMs) await sleep(options.latencyMs);

    const failure = failures.shift();
    if (failure && 'stall' in failure) return; // never answered: the client must give up on its own
    if (failure && !('code' in failure)) {
      rec.httpStatus = failure.httpStatus;
      res.writeHead(failure.httpStatus, { 'content-type': 'text/plain' });
      res.end('emulated failure');
      return;
    }
    if (failure) return sendError({ code: failure.code, message: failure.message ?? `Emulated ${failure.code}.`, status: failure.httpStatus ?? 400 });

    const verdict = verifyRequest({ method: req.method ?? '', url, headers: req.headers, body }, credentials, now(), nonces);
    if ('error' in verdict) return sendError(verdict.error);
    rec.accessKeyId = verdict.accessKeyId;
    if (throttled) return sendError({ code: 'Throttling.User', message: 'Request was denied due to user flow control.', status: 400 });
    const account = accountOf(credentials[verdict.accessKeyId]);

    if (rec.action === 'GetCallerIdentity') {
      if (rec.version !== STS_VERSION) return sendError({ code: 'InvalidVersion', message: `Specified parameter Version is not valid (STS is ${STS_VERSION}).`, status: 400 });
      const cred = credentials[verdict.accessKeyId];
      const user = typeof cred === 'string' ? 'audit-reader' : (cred.userName ?? 'audit-reader');
      return send(200, { AccountId: account, UserId: '200000000000009', PrincipalId: '200000000000009', IdentityType: 'RAMUser', Arn: `acs:ram::${account}:user/${user}` });
    }
    if (rec.action !== 'LookupEvents') return sendError({ code: 'InvalidAction.NotFound', message: `Specified api is not found, please check your url and method.`, status: 404 });
    if (rec.version !== ACTIONTRAIL_VERSION) return sendError({ code: 'InvalidVersion', message: `Specified parameter Version is not valid (ActionTrail is ${ACTIONTRAIL_VERSION}).`, status: 400 });
    const parsed = parseLookup(rec.params, now());
    if ('error' in parsed) return sendError(parsed.error);
    const snapshot = events;
    const page = cursors.page(parsed, () => select(snapshot, parsed, options.accountFilter === false ? null : account));
    if ('error' in page) return sendError(page.error);
    rec.eventCount = page.events.length;
    rec.more = page.nextToken !== undefined;
    send(200, { Events: page.events, ...(page.nextToken ? { NextToken: page.nextToken } : {}), StartTime: parsed.startTime, EndTime: parsed.endTime });
  }

  const server = createServer((req, res) => {
    const h = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : null);
    const rec: ActionTrailRequest = {
      action: h('x-acs-action'),
      version: h('x-acs-version'),
      method: req.method ?? '',
      accessKeyId: null,
      params: {},
      time: now(),
      httpStatus: 0,
      errorCode: null,
      eventCount: 0,
      more: false,
    };
    requests.push(rec);
    handle(req, res, rec, overRateLimit()).catch(() => {
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
