import { Writable } from 'node:stream';

const COLORS: Record<string, string> = { trace: '90', debug: '90', info: '36', warn: '33', error: '31', fatal: '31' };

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/**
 * The logger writes JSON; a person at a terminal wants `12:00:01 INFO check done events=54 new=0`.
 * Only used when stderr is a TTY, so cron logs and pipes keep the machine-readable lines.
 * Redaction has already happened in the logger, before a line reaches here.
 */
export function prettyStream(target: NodeJS.WritableStream, color: boolean): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(line);
        } catch {
          target.write(line + '\n');
          continue;
        }
        const { level, time, msg, ...rest } = rec as { level: string; time: string; msg?: string };
        const clock = typeof time === 'string' ? time.slice(11, 19) : '';
        const tag = String(level).toUpperCase().padEnd(5);
        const fields = Object.entries(rest).map(([k, v]) => `${k}=${value(v)}`).join(' ');
        const head = color ? `\x1b[${COLORS[level] ?? '0'}m${tag}\x1b[0m` : tag;
        target.write(`${clock} ${head} ${msg ?? ''}${fields ? ' ' + fields : ''}\n`);
      }
      done();
    },
  });
}
