/**
 * The languages messages are written in. Chinese teams read their robots' messages in Chinese;
 * everything a program reads (JSON, alert ids, rule ids) stays the same in both.
 */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** `zh_CN.UTF-8`, `zh_TW`, `zh` → zh-CN (the one Chinese catalogue); anything else → en. */
export function localeFromEnv(env: NodeJS.ProcessEnv): Locale {
  // POSIX order: LC_ALL overrides LC_MESSAGES, which overrides LANG.
  const tag = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh([_.@-]|$)/i.test(tag) ? 'zh-CN' : 'en';
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `TZ` when it names a zone, else the system's (what Intl resolves), else UTC. */
export function timeZoneFromEnv(env: NodeJS.ProcessEnv): string {
  const tz = env.TZ?.replace(/^:/, '');
  if (tz && isTimeZone(tz)) return tz;
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** What a message is written for: its language and the zone its times are shown in. */
export interface Presentation {
  locale: Locale;
  timeZone: string;
}

export function presentationFrom(env: NodeJS.ProcessEnv, config?: { locale?: Locale; timezone?: string }): Presentation {
  return lazyPresentation(config?.locale ?? localeFromEnv(env), () => config?.timezone ?? timeZoneFromEnv(env));
}

/**
 * A presentation whose zone is worked out when first read: the system zone comes from Intl, whose
 * time-zone data takes longer to load than a quiet cron run (no alert, nothing shown) spends on
 * anything it prints.
 */
export function lazyPresentation(locale: Locale, zone: () => string): Presentation {
  let timeZone: string | undefined;
  return {
    locale,
    get timeZone() {
      return (timeZone ??= zone());
    },
  };
}

/** For callers that were given no presentation (library use, tests): English, UTC. */
export const DEFAULT_SHOWN: Presentation = { locale: 'en', timeZone: 'UTC' };
