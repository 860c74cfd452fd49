import { describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/report.js';
import { AuditError } from '../../src/errors.js';
import { createLogger } from '../../src/util/logger.js';
import { addSecrets, credentialParts, redact, SecretRegistry } from '../../src/util/secrets.js';
import { capture } from '../notifiers/alerts.js';

describe('SecretRegistry', () => {
  it('masks every registered value, longest first, and ignores values under 4 characters', () => {
    const r = new SecretRegistry();
    r.add(['abc', 'tok-1234', 'tok-1234-extended', undefined, '']);
    expect(r.size).toBe(2);
    expect(r.redact('abc tok-1234 tok-1234-extended')).toBe('abc *** ***');
  });

  it('masks the URL-encoded, query-encoded and JSON-escaped spellings too', () => {
    const r = new SecretRegistry();
    const secret = 'p@ss w/"quote"\\+';
    r.add([secret]);
    const spelt = [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ k: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      JSON.stringify(encodeURIComponent(secret)).slice(1, -1),
    ];
    for (const s of spelt) expect(r.redact(`before ${s} after`)).toBe('before *** after');
  });

  it('treats regex characters in secrets literally', () => {
    const r = new SecretRegistry();
    r.add(['a.b*c+d?(e)']);
    expect(r.redact('a.b*c+d?(e) aXbbc')).toBe('*** aXbbc');
  });

  it('splits a header value into the whole value and the credential after its scheme', () => {
    expect(credentialParts('Bearer abc.def')).toEqual(['Bearer abc.def', 'abc.def']);
    expect(credentialParts('plain-token')).toEqual(['plain-token']);
  });
});

describe('the process registry reaches every log line and every printed error', () => {
  const KEY = 'tc-secret-key-5f1e0b7a9c';
  const TOKEN = 'hook-token-77e2c1d0aa';

  it('masks secrets in messages, fields, errors and bindings at every level, even if registered after the logger was made', () => {
    const out = capture();
    const logger = createLogger('trace', out);
    addSecrets([KEY, TOKEN]);
    const child = logger.child({ url: `https://h/x?key=${TOKEN}` });
    child.trace(`trace ${KEY}`);
    child.debug({ nested: { deep: [`v=${TOKEN}`] } }, 'debug');
    child.info({ err: new Error(`request with ${KEY} failed`) }, 'info');
    child.warn({ header: `Bearer ${TOKEN}` }, 'warn');
    child.error(`quoted "${KEY}" and encoded ${encodeURIComponent(TOKEN)}`);
    const text = out.text();
    expect(text.trim().split('\n')).toHaveLength(5);
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('trace ***');
    expect(text).toContain('key=***');
  });

  it('masks the pretty terminal output too', () => {
    const out = capture() as ReturnType<typeof capture> & { isTTY: boolean };
    out.isTTY = true;
    addSecrets([KEY]);
    createLogger('info', out).info({ why: KEY }, `with ${KEY}`);
    expect(out.text()).toMatch(/INFO.* with \*\*\* why=\*\*\*/);
  });

  it('masks what the CLI prints for an error: message, issues, and the cause when debugging', () => {
    addSecrets([KEY]);
    const err = new AuditError('E_SOURCE', `LookUpEvents failed for ${KEY}`, {
      issues: [`source.credentials: ${KEY}`],
      cause: new Error(`signature over ${KEY}`),
    });
    const out = capture();
    expect(reportError(err, out, true)).toBe(1);
    expect(out.text()).not.toContain(KEY);
    expect(out.text()).toContain('audit: LookUpEvents failed for ***:\n  source.credentials: ***\ncause: Error: signature over ***');

    const plain = capture();
    expect(reportError(new TypeError(`bad ${KEY}`), plain, true)).toBe(1);
    expect(plain.text()).not.toContain(KEY);
    expect(redact(`x${KEY}x`)).toBe('x***x');
  });
});
