import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { verifyRequest, type ApiErrorBody } from './auth.js';
import { parseQuery } from './params.js';
import { CursorStore, select } from './query.js';
import { Identities, STS_ACTIONS, STS_VERSION } from './sts.js';
import type { ApiEvent, CloudAuditAction, Emulator, EmulatorOptions, Failure, RecordedRequest, StsAction } from './types.js';

/** Default key pair; any other pair must be listed in `credentials`. Never a real key. */
export const TEST_SECRET_ID = 'AKIDEMULATORTESTKEY000000000000000000';
export const TEST_SECRET_KEY = 'emulator-test-secret-key-0000000000';
export const API_VERSION = '2019-03-19';
const ACTIONS: CloudAuditAction[] = ['LookUpEvents', 'DescribeEvents'];
const MAX_BODY = 10 * 1024 * 1024;

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
 * A local stand-in for cloudaudit.tencentcloudapi.com, speaking API 3.0 over plain HTTP, with
 * sts.tencentcloudapi.com on the same port (told apart by action and version, as one host
 * serves both here).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  let events: ApiEvent[] = [...(options.events ?? [])];
  const credentials = options.credentials ?? { [TEST_SECRET_ID]: TEST_SECRET_KEY };
  const now = options.now ?? (() => new Date());
  const arrivalClock = options.arrivalClock ?? (() => new Date());
  const scheduled: { event: ApiEvent; at: number }[] = [];
  const identities = new Identities(options, credentials, now);
  const failures: Failure[] = [];
  const stsFailures: Failure[] = [];
  const requests: RecordedRequest[] = [];
  const stsRequests: RecordedRequest[] = [];
  const admitted: number[] = [];
  const cursors = new CursorStore();

  /**
   * Judged when the request arrives, as an API gateway counts: judging it after the latency
   * sleep and the signature check let a moment when this process was busy (paging 100k events)
   * bunch up requests that had arrived well spaced.
   */
  function overRateLimit(): boolean {
    if (!options.rateLimit) return false;
    const t = performance.now();
    while (admitted.length && admitted[0] <= t - 1000) admitted.shift();
    if (admitted.length >= options.rateLimit) return true;
    admitted.push(t);
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, sts: boolean, throttled: boolean): Promise<void> {
    const send = (status: number, payload: Record<string, unknown>) => {
      rec.httpStatus = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: { ...payload, RequestId: randomUUID() } }));
    };
    const sendError = (e: ApiErrorBody) => {
      rec.errorCode = e.code;
      send(200, { Error: { Code: e.code, Message: e.message } });
    };

    const body = await readBody(req);
    try {
      rec.params = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      rec.params = {};
    }
    if (options.latencyMs) await sleep(options.latencyMs);

    const failure = (sts ? stsFailures : failures).shift();
    if (failure && 'stall' in failure) return; // never answered: the client must give up on its own
    if (failure && 'httpStatus' in failure) {
      rec.httpStatus = failure.httpStatus;
      res.writeHead(failure.httpStatus, { 'content-type': 'text/plain' });
      res.end('emulated failure');
      return;
    }
    if (failure) return sendError({ code: failure.code, message: failure.message ?? `Emulated ${failure.code}.` });

    const verdict = verifyRequest({ method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body }, identities.keys(), now());
    if ('error' in verdict) return sendError(verdict.error);
    rec.secretId = verdict.secretId;
    const caller = identities.caller(verdict.secretId);
    if ('error' in caller) return sendError(caller.error);
    rec.account = caller.account;
    if (throttled) {
      return sendError({
        code: 'RequestLimitExceeded',
        message: `Your current request times exceeds the frequency limit ${options.rateLimit} for a second. Please reduce the frequency of calls.`,
      });
    }
    if (req.method !== 'POST' || !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendError({ code: 'InvalidParameter', message: 'The emulator accepts POST with application/json only.' });
    }
    if (sts) {
      if (req.headers['x-tc-version'] !== STS_VERSION) return sendError({ code: 'NoSuchVersion', message: `Version must be ${STS_VERSION}.` });
      const answer = identities.handle(rec.action as StsAction, rec.params, rec.region, caller);
      return 'error' in answer ? sendError(answer.error) : send(200, answer.payload);
    }
    const action = rec.action as CloudAuditAction;
    if (!ACTIONS.includes(action)) return sendError({ code: 'InvalidAction', message: `Action \`${rec.action}\` does not exist.` });
    if (req.headers['x-tc-version'] !== API_VERSION) return sendError({ code: 'NoSuchVersion', message: `Version must be ${API_VERSION}.` });

    const parsed = parseQuery(action, rec.region, rec.params, now(), options.retentionDays);
    if ('error' in parsed) return sendError(parsed.error);
    // One account's listing is no other's: its events only, and its NextToken useless to them.
    const account = identities.scoped ? caller.account : undefined;
    const query = account === undefined ? parsed.query : { ...parsed.query, fingerprint: `${parsed.query.fingerprint}@${account}` };
    // Scheduled arrivals whose time has come join the listing, as events the API indexed late.
    if (rec.params.NextToken === undefined && scheduled.length > 0) {
      scheduled.sort((a, b) => a.at - b.at);
      let due = 0;
      while (due < scheduled.length && scheduled[due].at <= arrivalClock().getTime()) due++;
      if (due > 0) events = [...events, ...scheduled.splice(0, due).map((s) => s.event)];
    }
    const snapshot = events;
    const page = cursors.page(query, () => select(snapshot, query, rec.region, options.regionFilter ?? true, account));
    if ('error' in page) return sendError(page.error);
    rec.eventCount = page.events.length;
    rec.listOver = page.listOver;
    // Location is only in DescribeEvents answers that asked for it.
    const withLocation = action === 'DescribeEvents' && Number(rec.params.IsReturnLocation) === 1;
    const out = withLocation ? page.events : page.events.map(({ Location: _, ...e }) => e);
    send(200, { Events: out, ListOver: page.listOver, NextToken: page.nextToken });
  }

  const server = createServer((req, res) => {
    const rec: RecordedRequest = {
      action: (req.headers['x-tc-action'] as string | undefined) ?? null,
      region: (req.headers['x-tc-region'] as string | undefined) ?? null,
      secretId: null,
      account: null,
      params: {},
      time: now(),
      httpStatus: 0,
      errorCode: null,
      eventCount: 0,
      listOver: null,
    };
    // STS has limits of its own, apart from CloudAudit's.
    const sts = rec.action !== null && STS_ACTIONS.includes(rec.action);
    (sts ? stsRequests : requests).push(rec);
    handle(req, res, rec, sts, !sts && overRateLimit()).catch(() => {
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
    stsRequests,
    issued: identities.issued,
    failNext(n, failure) {
      for (let i = 0; i < n; i++) failures.push(failure);
    },
    failNextSts(n, failure) {
      for (let i = 0; i < n; i++) stsFailures.push(failure);
    },
    revokeIssued() {
      identities.revoke();
    },
    setEvents(next) {
      events = [...next];
    },
    addEvents(more, visibleAt) {
      if (visibleAt) for (const event of more) scheduled.push({ event, at: visibleAt.getTime() });
      else events = [...events, ...more];
    },
    served(action) {
      const log = action && STS_ACTIONS.includes(action) ? stsRequests : requests;
      return log.filter((r) => r.httpStatus === 200 && r.errorCode === null && (!action || r.action === action));
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
