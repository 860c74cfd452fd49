import { describe, expect, it } from 'vitest';
import { mdValue, oneLine, slackValue, truncateBytes, truncateChars } from '../../../src/notifiers/format/text.js';

describe('truncateBytes', () => {
  it('leaves short text alone', () => {
    expect(truncateBytes('短い', 100)).toBe('短い');
  });

  it('never cuts inside a multi-byte character or an emoji sequence', () => {
    const family = '👩‍👩‍👧'; // 18 bytes, one grapheme
    for (const max of [10, 20, 21, 30, 37, 40]) {
      const out = truncateBytes(`删${family}`.repeat(5), max, '…');
      expect(Buffer.byteLength(out)).toBeLessThanOrEqual(max);
      expect(out.endsWith('…')).toBe(true);
      const body = out.slice(0, -1);
      // Whole units only: what is left is a prefix made of complete 删 and family graphemes.
      expect(`删${family}`.repeat(5).startsWith(body)).toBe(true);
      expect(body.replace(/删|👩‍👩‍👧/gu, '')).toBe('');
    }
  });
});

describe('truncateChars', () => {
  it('counts user-perceived characters', () => {
    expect(truncateChars('abcdef', 4)).toBe('abc…');
    expect(truncateChars('🇨🇳🇨🇳🇨🇳', 2)).toBe('🇨🇳…');
    expect(truncateChars('abc', 3)).toBe('abc');
  });
});

describe('escaping', () => {
  it('oneLine collapses newlines and control characters', () => {
    expect(oneLine('a\n\n# b\r\tc\u2028d')).toBe('a # b c d');
    expect(oneLine(null)).toBe('');
  });

  it('mdValue breaks links, HTML, mentions and table cells but keeps plain brackets', () => {
    expect(mdValue('[TEST] [x](http://e) ![i](http://e/i.png) <@all> <at id=all></at> a|b `c`')).toBe(
      "[TEST] [x］(http://e) ![i］(http://e/i.png) ＜@all＞ ＜at id=all＞＜/at＞ a｜b 'c'",
    );
  });

  it('slackValue escapes &, < and >', () => {
    expect(slackValue('<!channel> & <https://e|x>')).toBe('&lt;!channel&gt; &amp; &lt;https://e|x&gt;');
  });
});
