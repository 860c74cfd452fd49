/**
 * `2026-11-22 18:00:40 CST`: what a person on call reads. Event times are stored and printed as
 * JSON in UTC; text meant for people is shown in their zone, with the zone named so a screenshot
 * forwarded to another office is still unambiguous.
 */

// CLDR has no short names for these zones in English (it says GMT+8); these are what people there write.
const ABBREVIATIONS: Record<string, string> = {
  'Asia/Shanghai': 'CST', 'Asia/Chongqing': 'CST', 'Asia/Chungking': 'CST', 'Asia/Harbin': 'CST', PRC: 'CST',
  'Asia/Taipei': 'CST', 'Asia/Macau': 'CST', 'Asia/Hong_Kong': 'HKT', 'Asia/Singapore': 'SGT',
  'Asia/Tokyo': 'JST', 'Asia/Seoul': 'KST', 'Asia/Kolkata': 'IST', UTC: 'UTC', 'Etc/UTC': 'UTC', 'Etc/GMT': 'GMT',
};

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** Local date and time to the second with the zone's short name; a time that does not parse is shown as given. */
export function localTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const parts: Record<string, string> = {};
  for (const p of formatFor(timeZone).formatToParts(ms)) parts[p.type] = p.value;
  const zone = ABBREVIATIONS[timeZone] ?? parts.timeZoneName ?? timeZone;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${zone}`;
}
