import { describe, expect, it } from 'vitest';
import { isTimeZone, localeFromEnv, presentationFrom, timeZoneFromEnv } from '../../src/util/locale.js';
import { localTime } from '../../src/util/local-time.js';

describe('localeFromEnv', () => {
  it.each([
    [{ LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh_TW.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh' }, 'zh-CN'],
    [{ LANG: 'en_US.UTF-8', LC_ALL: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' }, 'en'],
    [{ LANG: 'zh_CN.UTF-8', LC_MESSAGES: 'en_GB.UTF-8' }, 'en'],
    [{ LANG: 'C.UTF-8' }, 'en'],
    [{ LANG: 'zu_ZA.UTF-8' }, 'en'],
    [{}, 'en'],
  ] as const)('%o → %s', (env, locale) => {
    expect(localeFromEnv(env)).toBe(locale);
  });
});

describe('time zones', () => {
  it('takes TZ when it names a zone, and the config over both', () => {
    expect(timeZoneFromEnv({ TZ: 'Asia/Shanghai' })).toBe('Asia/Shanghai');
    expect(timeZoneFromEnv({ TZ: ':Asia/Tokyo' })).toBe('Asia/Tokyo');
    expect(isTimeZone(timeZoneFromEnv({ TZ: 'Not/AZone' }))).toBe(true);
    expect(presentationFrom({ LANG: 'zh_CN.UTF-8', TZ: 'UTC' }, { timezone: 'Asia/Shanghai' })).toEqual({ locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
    expect(presentationFrom({ LANG: 'zh_CN.UTF-8' }, { locale: 'en', timezone: 'UTC' })).toEqual({ locale: 'en', timeZone: 'UTC' });
  });

  it('writes local time to the second with the zone, across the date line', () => {
    expect(localTime('2026-11-22T10:00:40.123Z', 'Asia/Shanghai')).toBe('2026-11-22 18:00:40 CST');
    expect(localTime('2026-11-22T20:00:40Z', 'Asia/Shanghai')).toBe('2026-11-23 04:00:40 CST');
    expect(localTime('2026-12-31T23:30:00Z', 'Asia/Shanghai')).toBe('2027-01-01 07:30:00 CST');
    expect(localTime('2026-11-22T03:00:00Z', 'America/New_York')).toBe('2026-11-21 22:00:00 EST');
    expect(localTime('2026-07-01T03:00:00Z', 'America/New_York')).toBe('2026-06-30 23:00:00 EDT');
    expect(localTime('2026-11-22T11:30:00Z', 'Pacific/Kiritimati')).toBe('2026-11-23 01:30:00 GMT+14');
    expect(localTime('2026-11-22T10:00:40Z', 'UTC')).toBe('2026-11-22 10:00:40 UTC');
    expect(localTime('not a time', 'UTC')).toBe('not a time');
  });
});

describe('presentationFrom works the zone out only when it is read', () => {
  it('reads the configured zone on first use, once, and gives the same answer as before', () => {
    let reads = 0;
    const config = {
      locale: 'en' as const,
      get timezone() {
        reads++;
        return 'Asia/Shanghai';
      },
    };
    const shown = presentationFrom({}, config);
    expect(shown.locale).toBe('en');
    expect(reads).toBe(0);
    expect(shown.timeZone).toBe('Asia/Shanghai');
    expect(shown.timeZone).toBe('Asia/Shanghai');
    expect(reads).toBe(1);
    expect(presentationFrom({ TZ: 'Europe/Berlin' }).timeZone).toBe('Europe/Berlin');
  });
});
