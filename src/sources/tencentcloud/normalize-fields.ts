/**
 * Field coercion for CloudAudit records. The API and the COS deliveries drift between numbers
 * and strings for the same field (AccountID, errorCode, eventTime, sensitiveAction), so every
 * lookup goes through these instead of trusting a type.
 */

export type Rec = Record<string, unknown>;

export function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, or a number/bigint rendered as one; anything else is null. */
export function text(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'bigint') return String(v);
  return null;
}

/** An error code that means "no error": absent, empty, 0 or "0". */
export function isZeroCode(v: unknown): boolean {
  return v === undefined || v === null || v === 0 || v === '0' || v === '';
}

export function flag(v: unknown): boolean {
  return v === 1 || v === '1' || v === true || v === 'true';
}

/** actionType Read/Write; anything else means the provider did not say. */
export function readOnlyOf(v: unknown): boolean | null {
  if (typeof v !== 'string') return null;
  const lower = v.toLowerCase();
  if (lower === 'read') return true;
  if (lower === 'write') return false;
  return null;
}

// "2019-03-20 12:36:27": the console and old API format, in China Standard Time.
const CST_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const DIGITS = /^\d+(?:\.\d+)?$/;
const CST_OFFSET_MS = 8 * 3600_000;
// Beyond this a number cannot be seconds (year 5138): it is milliseconds.
const MS_THRESHOLD = 1e11;

/** Milliseconds since the epoch, or null when the value is no time we know. */
export function parseEventTime(v: unknown): number | null {
  let n: number | null = null;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const s = v.trim();
    if (DIGITS.test(s)) n = Number(s);
    else {
      const m = CST_TIME.exec(s);
      if (m) {
        const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
        const utc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms) - CST_OFFSET_MS;
        return Number.isNaN(utc) ? null : utc;
      }
      // Already ISO with a zone (a re-exported record): trust it only when it says its zone.
      if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(s)) {
        const t = Date.parse(s);
        return Number.isNaN(t) ? null : t;
      }
      return null;
    }
  }
  if (n === null || !Number.isFinite(n) || n < 0) return null;
  return n >= MS_THRESHOLD ? Math.trunc(n) : Math.trunc(n * 1000);
}

/** Legacy short region names still appear in EventRegion/ResourceRegion of older records. */
const SHORT_REGIONS: Record<string, string> = {
  gz: 'ap-guangzhou',
  sh: 'ap-shanghai',
  bj: 'ap-beijing',
  cd: 'ap-chengdu',
  cq: 'ap-chongqing',
  nj: 'ap-nanjing',
  hk: 'ap-hongkong',
  sg: 'ap-singapore',
  tpe: 'ap-taipei',
  kr: 'ap-seoul',
  jp: 'ap-tokyo',
  in: 'ap-mumbai',
  th: 'ap-bangkok',
  ca: 'na-toronto',
  sv: 'na-siliconvalley',
  va: 'na-ashburn',
  de: 'eu-frankfurt',
  ru: 'eu-moscow',
  szjr: 'ap-shenzhen-fsi',
  shjr: 'ap-shanghai-fsi',
  bjjr: 'ap-beijing-fsi',
};

export function regionOf(v: unknown): string | null {
  const s = text(v);
  if (s === null) return null;
  return Object.hasOwn(SHORT_REGIONS, s) ? SHORT_REGIONS[s] : s;
}

/** "cvm.tencentcloudapi.com", "cloudaudit.api.qcloud.com/v2/index.php" → "cvm", "cloudaudit". */
export function serviceFromSource(v: unknown): string | null {
  const s = text(v);
  if (s === null) return null;
  const dot = s.indexOf('.');
  const head = dot > 0 ? s.slice(0, dot) : s;
  return /^[A-Za-z0-9_-]+$/.test(head) ? head.toLowerCase() : null;
}
