import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../../src/rules/builtin/index.js';
import { BUILTIN_SUMMARIES } from '../../src/rules/builtin/summaries.js';

describe('BUILTIN_SUMMARIES (what the config cache re-attaches)', () => {
  it('holds exactly the built-ins\' summarize functions', () => {
    const withCode = Object.entries(BUILTIN_RULES).filter(([, r]) => r.summarize).map(([id, r]) => [id, r.summarize]);
    expect(Object.entries(BUILTIN_SUMMARIES).sort()).toEqual(withCode.sort());
  });
});
