import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real webhook receiver on 127.0.0.1 for notifier tests. It checks each service's body shape
 * and signature with its own code (nothing from src/), records every request, and answers the
 * way the service would: success, or the service's own error for a bad body or signature.
 * Answers can be scripted per request: 503, 429 + Retry-After, 200 with an error code, a stall.
 *
 * Paths pick the service: /dingtalk/…, /wecom/…, /feishu/…, /slack/…, anything else is plain JSON.
 */
export type Service = 'dingtalk' | 'wecom' | 'feishu' | 'slack' | 'json';

export interface Recorded {
  service: Service;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: any;
  /** What the receiver found wrong with the request; empty when the service would accept it. */
  problems: string[];
}

export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string | object;
  /** Never answer (until the receiver closes). */
  stall?: boolean;
  /** Answer after this long. */
  delayMs?: number;
}

export interface ReceiverOptions {
  dingtalkSecret?: string;
  feishuSecret?: string;
  /** The receiver's clock for timestamp freshness (DingTalk and Feishu allow one hour). */
  now?: () => number;
}

export interface Receiver {
  /** Absolute URL for a path on this receiver. */
  url(path: string): string;
  requests: Recorded[];
  /** Answers for the next requests, in order; afterwards the default (service-like) answers. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

function hmac(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function serviceOf(path: string): Service {
  const first = path.split('/')[1];
  return (['dingtalk', 'wecom', 'feishu', 'slack'] as const).find((s) => s === first) ?? 'json';
}

/** Lone surrogates or replacement characters mean text was cut inside a character. */
function brokenText(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\uFFFD/.test(text);
}

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

function checkDingtalk(r: Recorded, opts: ReceiverOptions, now: number): string[] {
  const p: string[] = [];
  if (!r.query.access_token) p.push('missing access_token');
  if (opts.dingtalkSecret) {
    const { timestamp, sign } = r.query;
    if (!timestamp || !sign) p.push('missing timestamp or sign');
    else {
      if (!/^\d{13}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > HOUR) p.push('timestamp not in ms or more than an hour off');
      if (!same(sign, hmac(opts.dingtalkSecret, `${timestamp}\n${opts.dingtalkSecret}`))) p.push('sign not match');
    }
  }
  const b = r.body;
  if (b?.msgtype !== 'markdown') p.push('msgtype is not markdown');
  else if (!nonEmptyString(b.markdown?.title) || !nonEmptyString(b.markdown?.text)) p.push('markdown needs title and text');
  return p;
}

function checkWecom(r: Recorded): string[] {
  const p: string[] = [];
  if (!r.query.key) p.push('missing key');
  const content = r.body?.markdown?.content;
  if (r.body?.msgtype !== 'markdown') p.push('msgtype is not markdown');
  else if (!nonEmptyString(content)) p.push('markdown.content missing');
  else {
    if (Buffer.byteLength(content, 'utf8') > 4096) p.push(`content is ${Buffer.byteLength(content)} bytes (limit 4096)`);
    if (brokenText(content)) p.push('content cut inside a character');
  }
  return p;
}

function checkFeishu(r: Recorded, opts: ReceiverOptions, now: number): string[] {
  const p: string[] = [];
  const b = r.body ?? {};
  if (opts.feishuSecret) {
    if (!nonEmptyString(b.timestamp) || !nonEmptyString(b.sign)) p.push('missing timestamp or sign');
    else {
      if (!/^\d{10}$/.test(b.timestamp) || Math.abs(now - Number(b.timestamp) * 1000) > HOUR) p.push('timestamp not in s or more than an hour off');
      if (!same(b.sign, hmac(`${b.timestamp}\n${opts.feishuSecret}`, ''))) p.push('sign match fail');
    }
  }
  if (b.msg_type === 'interactive') {
    if (!nonEmptyString(b.card?.header?.title?.content)) p.push('card header title missing');
    if (!Array.isArray(b.card?.elements) || b.card.elements.length === 0) p.push('card elements missing');
  } else if (b.msg_type === 'text') {
    if (!nonEmptyString(b.content?.text)) p.push('text content missing');
  } else if (b.msg_type === 'post') {
    if (!b.content?.post) p.push('post content missing');
  } else p.push(`unknown msg_type ${JSON.stringify(b.msg_type)}`);
  if (Buffer.byteLength(r.raw) > 20 * 1024) p.push('body over 20KB');
  return p;
}

/** Slack: `text` required; mrkdwn must have `<`, `>` escaped (they start links and mentions). */
function checkSlack(r: Recorded): string[] {
  const p: string[] = [];
  const b = r.body ?? {};
  if (!nonEmptyString(b.text)) p.push('no_text');
  if (b.blocks !== undefined) {
    if (!Array.isArray(b.blocks) || b.blocks.length > 50) p.push('invalid_blocks');
    const mrkdwn: string[] = [];
    for (const block of b.blocks ?? []) {
      if (!nonEmptyString(block?.type)) p.push('invalid_blocks: block without type');
      if (block?.type === 'header' && (block.text?.type !== 'plain_text' || block.text.text.length > 150)) p.push('invalid_blocks: header');
      if (block?.text?.type === 'mrkdwn') mrkdwn.push(block.text.text);
      if (block?.fields) {
        if (block.fields.length > 10) p.push('invalid_blocks: more than 10 fields');
        for (const f of block.fields) mrkdwn.push(f.text);
      }
      for (const e of block?.elements ?? []) if (e?.type === 'mrkdwn') mrkdwn.push(e.text);
    }
    // `<https://…|label>` is Slack's link syntax; any other < or > must have been escaped.
    const links = /<https?:\/\/[^<>|\s]+\|[^<>]*>/g;
    for (const t of [b.text, ...mrkdwn]) if (typeof t === 'string' && /[<>]/.test(t.replace(links, ''))) p.push(`unescaped < or > in mrkdwn: ${t.slice(0, 80)}`);
  }
  return p;
}

function checkJson(r: Recorded): string[] {
  const b = r.body;
  return b && typeof b === 'object' && typeof b.id === 'string' && b.rule && b.event ? [] : ['body is not an alert object'];
}

/** What the service answers when it rejects a request (the receiver's default for problems). */
function rejection(service: Service, problems: string[]): ScriptedAnswer {
  const msg = problems.join('; ');
  switch (service) {
    case 'dingtalk':
      return { status: 200, body: { errcode: 310000, errmsg: msg } };
    case 'wecom':
      return { status: 200, body: { errcode: 40008, errmsg: msg } };
    case 'feishu':
      return { status: 200, body: { code: problems.some((x) => x.includes('sign')) ? 19021 : 9499, msg } };
    case 'slack':
      return { status: 400, body: 'invalid_payload' };
    default:
      return { status: 400, body: { error: msg } };
  }
}

const SUCCESS: Record<Service, ScriptedAnswer> = {
  dingtalk: { status: 200, body: { errcode: 0, errmsg: 'ok' } },
  wecom: { status: 200, body: { errcode: 0, errmsg: 'ok' } },
  feishu: { status: 200, body: { code: 0, msg: 'success', data: {} } },
  slack: { status: 200, body: 'ok' },
  json: { status: 200, body: { ok: true } },
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, a: ScriptedAnswer): void {
  const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body ?? {});
  const type = typeof a.body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(a.status ?? 200, { 'content-type': type, ...a.headers });
  res.end(text);
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const requests: Recorded[] = [];
  const queue: ScriptedAnswer[] = [];
  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const service = serviceOf(u.pathname);
    const rec: Recorded = { service, path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, raw, body, problems: [] };
    const now = options.now?.() ?? Date.now();
    if (req.method !== 'POST') rec.problems.push(`method ${req.method}`);
    if (body === undefined) rec.problems.push('body is not JSON');
    else if (service === 'dingtalk') rec.problems.push(...checkDingtalk(rec, options, now));
    else if (service === 'wecom') rec.problems.push(...checkWecom(rec));
    else if (service === 'feishu') rec.problems.push(...checkFeishu(rec, options, now));
    else if (service === 'slack') rec.problems.push(...checkSlack(rec));
    else rec.problems.push(...checkJson(rec));
    requests.push(rec);
    const scripted = queue.shift();
    if (scripted?.stall) return;
    const reply = () => answer(res, scripted?.status || scripted?.body ? scripted : rec.problems.length ? rejection(service, rec.problems) : SUCCESS[service]);
    if (scripted?.delayMs) setTimeout(reply, scripted.delayMs);
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
    requests,
    script: (...answers) => void queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
