import { describe, expect, it } from 'vitest';
import { parseRange } from '../../src/cli/options.js';
import { AuditError } from '../../src/errors.js';
import { durationBoundProblem, parseTimeArg } from '../../src/util/duration.js';
import { boundedDuration, durationSchema } from '../../src/util/duration-schema.js';

const DAY = 86_400_000;
const schema = boundedDuration({ min: 1, max: 7 * DAY });
const issue = (value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues.map((i) => i.message).join('; ');
};

describe('boundedDuration: valid', () => {
  it.each([
    ['1ms', 1],
    ['7d', 7 * DAY],
    ['604800s', 7 * DAY],
    ['604800000ms', 7 * DAY],
    [604_800, 7 * DAY], // a bare number is seconds
    [0.001, 1],
    ['1.5s', 1500],
  ])('%j → %d ms', (value, ms) => {
    expect(schema.parse(value)).toBe(ms);
  });
});

describe('boundedDuration: invalid', () => {
  it.each([
    ['0s', 'must be longer than 0'],
    [0, 'must be longer than 0'],
    [0.0004, 'must be longer than 0'], // rounds to 0 ms
    ['604800001ms', 'at most 7d'],
    ['7.0001d', 'at most 7d'],
    [604_800.001, 'at most 7d'],
    ['9999999999d', 'at most 7d'],
    [`${'9'.repeat(400)}d`, 'at most 7d'], // Infinity is out of range, not malformed
    [1e308, 'at most 7d'],
    [-1, 'invalid duration -1 (use 30s, 5m, 2h or 1d)'],
    ['5 minutes', 'invalid duration "5 minutes" (use 30s, 5m, 2h or 1d)'],
    ['-5m', 'invalid duration "-5m" (use 30s, 5m, 2h or 1d)'],
  ])('%j → %s', (value, message) => {
    expect(issue(value)).toBe(message);
  });

  it('a lower bound other than "longer than 0" is named', () => {
    expect(boundedDuration({ min: 1000, max: DAY }).safeParse('999ms').error?.issues[0].message).toBe('at least 1s');
  });
});

describe('durationBoundProblem', () => {
  it.each([
    [0, { max: 10 }, undefined],
    [10, { max: 10 }, undefined],
    [11, { max: 10 }, 'at most 10ms'],
    [600_001, { max: 600_000 }, 'at most 10m'],
    [0, { min: 1, max: 10 }, 'must be longer than 0'],
    [Infinity, { max: 30 * DAY }, 'at most 30d'],
  ])('%d in %j → %s', (ms, bounds, want) => {
    expect(durationBoundProblem(ms, bounds)).toBe(want);
  });
});

describe('durationSchema (unbounded, kept for callers with their own range)', () => {
  it('accepts any finite duration and refuses what is not one', () => {
    expect(durationSchema.parse('30000d')).toBe(30_000 * DAY);
    expect(durationSchema.safeParse(`${'9'.repeat(400)}d`).success).toBe(false);
    expect(durationSchema.safeParse('soon').success).toBe(false);
  });
});

describe('CLI times', () => {
  const now = new Date('2026-11-22T10:00:00Z');

  it('a duration too long for a date is not a time', () => {
    expect(parseTimeArg('99999999999d', now)).toBeUndefined();
    expect(parseTimeArg(`${'9'.repeat(400)}d`, now)).toBeUndefined();
    expect(parseTimeArg('1d', now)).toEqual(new Date('2026-11-21T10:00:00Z'));
  });

  it.each([['--since', '99999999999d'], ['--until', '99999999999d']])('%s %s is a usage error, not a crash', (flag, value) => {
    const call = () => (flag === '--since' ? parseRange(value, undefined, now) : parseRange(undefined, value, now));
    expect(call).toThrow(AuditError);
    try {
      call();
    } catch (err) {
      expect((err as AuditError).code).toBe('E_USAGE');
      expect((err as AuditError).message).toMatch(new RegExp(`^${flag}: invalid time "99999999999d"`));
    }
  });
});
