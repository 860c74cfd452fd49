import { describe, expect, it } from 'vitest';
import { safeLine } from '../../src/events/text-width.js';

/** What safeLine did before its fast path for plain text; the fast path must never differ from it. */
const slow = (s: string) => s.replace(/[\s\u0085]+/g, ' ').trim().replace(/[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('safeLine', () => {
  it.each([
    ['plain', 'DeleteBucket on logs-bucket'],
    ['empty', ''],
    ['one space', ' '],
    ['leading space', ' a'],
    ['trailing space', 'a '],
    ['two spaces', 'a  b'],
    ['tab', 'a\tb'],
    ['newline', 'a\nb\r\n'],
    ['DEL', 'a\u007fb'],
    ['NEL', 'a\u0085b'],
    ['bidi override', 'abc\u202etxt.exe'],
    ['CJK', '删除 存储桶'],
    ['tilde and quotes', '~"\'`{}'],
  ])('%s', (_, text) => {
    expect(safeLine(text)).toBe(slow(text));
  });

  it('every ASCII character alone and between letters', () => {
    for (let c = 0; c < 0x100; c++) {
      const ch = String.fromCharCode(c);
      for (const text of [ch, `a${ch}b`, `a${ch}${ch}b`]) expect(safeLine(text)).toBe(slow(text));
    }
  });
});
