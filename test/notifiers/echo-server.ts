import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A badly behaved service on 127.0.0.1 that quotes credentials back in its error answers, the
 * way some gateways and proxies do: the JSON endpoint rejects with 401 and echoes the
 * Authorization header; the DingTalk path answers errcode 310000 quoting the full request URL
 * (access_token, timestamp and sign included).
 */
export interface EchoServer {
  url(path: string): string;
  /** Every request seen: its URL (path and query) and Authorization header. */
  seen: { url: string; authorization?: string }[];
  close(): Promise<void>;
}

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => req.resume().on('end', resolve));
}

export async function startEchoServer(): Promise<EchoServer> {
  const seen: EchoServer['seen'] = [];
  const server = createServer(async (req, res) => {
    await drain(req);
    const url = req.url ?? '/';
    seen.push({ url, authorization: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    if (url.startsWith('/dingtalk/')) {
      res.end(JSON.stringify({ errcode: 310000, errmsg: `token invalid for request ${url}` }));
    } else {
      res.statusCode = 401;
      res.end(JSON.stringify({ error: 'invalid credentials', received: req.headers.authorization ?? null }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every `n`-character piece of a secret: a partly masked secret still leaks. */
export function pieces(secret: string, n = 12): string[] {
  return Array.from({ length: Math.max(1, secret.length - n + 1) }, (_, i) => secret.slice(i, i + n));
}

/** The pieces of `secrets` that occur in `text` (empty when nothing leaked). */
export function leaks(text: string, secrets: string[]): string[] {
  return secrets.flatMap((s) => pieces(s)).filter((p) => text.includes(p));
}
