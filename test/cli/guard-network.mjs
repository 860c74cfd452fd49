// Preloaded (--import) into every CLI process the end-to-end tests spawn. Tests may only talk to
// 127.0.0.1: a connection anywhere else (the real API, the CVM metadata address 169.254.0.23)
// is refused before any packet leaves, and announced on stderr so the test can fail on it.
import net from 'node:net';

const GUARD_MARK = 'NETWORK-GUARD: blocked'; // run-cli.ts looks for it
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);
const connect = net.Socket.prototype.connect;

function target(args) {
  // net.createConnection hands connect() its already-normalized [options, callback] array.
  let first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') return { host: first.host, path: first.path };
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { host: typeof args[1] === 'string' ? args[1] : undefined };
}

net.Socket.prototype.connect = function guardedConnect(...args) {
  const { host, path } = target(args);
  if (!path && !LOOPBACK.has(host ?? 'localhost')) {
    process.stderr.write(`${GUARD_MARK} ${host}\n`);
    process.nextTick(() => this.destroy(new Error(`network guard: ${host} is not loopback`)));
    return this;
  }
  return connect.apply(this, args);
};
