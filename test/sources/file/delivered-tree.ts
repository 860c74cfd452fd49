// A directory of delivered audit logs as the trails leave them (shared by delivered.test.ts and
// test/cli/delivered.e2e.test.ts): CloudTrail's S3 layout, an ActionTrail OSS delivery, CloudAudit
// tracking-set files and an export of normalized events, some gzipped, with the clutter such a
// directory also holds. Its names sort in another order than its events' times.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { normalizeTencentRecord } from '../../../src/sources/tencentcloud/normalize.js';

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/delivered');
const fixture = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

export const CLOUDTRAIL = fixture('cloudtrail.json') as { Records: any[] };
export const CLOUDTRAIL_EARLY = fixture('cloudtrail-early.json') as { Records: any[] };
export const ACTIONTRAIL = fixture('actiontrail.json') as any[];
export const API_EVENTS: any[] = readFileSync(join(ROOT, 'examples/events.ndjson'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const BARE = API_EVENTS.map((e) => JSON.parse(e.CloudAuditEvent));

export const CT_DIR = 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/22';
/** Gzip named as such, gzip named .json, a JSON array, `{"Records":[...]}` of bare CloudAudit records, NDJSON without an extension, plain text named .gz. */
export const FILES = {
  cloudtrail: `${CT_DIR}/111122223333_CloudTrail_us-east-1_20261122T0930Z_Q7xwYb2k.json.gz`,
  cloudtrailEarly: `${CT_DIR}/111122223333_CloudTrail_us-east-1_20261122T0905Z_Zr3kP0aa.json`,
  actiontrail: 'actiontrail/cn-hangzhou/2026/11/22/1234567890123456_actiontrail_cn-hangzhou_20261122T0840Z.json.gz',
  trackingRecords: 'cloudaudit/tracking-set/2026-11-22/records-1000.json.gz',
  trackingNdjson: 'cloudaudit/tracking-set/2026-11-22/records-1013',
  normalized: 'exports/tail.ndjson.gz',
  corrupt: 'broken/corrupt.json.gz',
  notJson: 'broken/notes.log',
  dangling: 'broken/gone.json',
};

export interface DeliveredTree {
  root: string;
  /** Every event id, in the order of their times. */
  ids: string[];
  /** The files that cannot be read, each warned about and skipped. */
  unreadable: string[];
}

function put(root: string, rel: string, content: string | Buffer): void {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

export function writeDeliveredTree(root: string): DeliveredTree {
  // CloudTrail writes each file as one line of JSON, gzipped.
  put(root, FILES.cloudtrail, gzipSync(JSON.stringify(CLOUDTRAIL)));
  put(root, FILES.cloudtrailEarly, gzipSync(JSON.stringify(CLOUDTRAIL_EARLY)));
  put(root, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/22/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20261122T100000Z.json.gz', gzipSync(readFileSync(join(FIXTURES, 'cloudtrail-digest.json'))));
  put(root, FILES.actiontrail, gzipSync(JSON.stringify(ACTIONTRAIL, null, 2)));
  put(root, FILES.trackingRecords, gzipSync(JSON.stringify({ Records: BARE.slice(0, 20) })));
  put(root, FILES.trackingNdjson, ndjson(API_EVENTS.slice(20, 50)));
  put(root, FILES.normalized, ndjson(API_EVENTS.slice(50).map((e) => normalizeTencentRecord(e))));
  // What else lives in such a directory: none of it is read, none of it warns.
  put(root, 'README.md', '# Audit log archive\n');
  put(root, '.DS_Store', Buffer.from([0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31]));
  put(root, '.staging/partial.json', '{"Records":[');
  put(root, 'manifest.csv', 'key,size\n');
  // Files that cannot be read: set aside, each with a warning.
  put(root, FILES.corrupt, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('not really gzip at all')]));
  put(root, FILES.notJson, 'hello, this is not a log\n');
  symlinkSync(join(root, 'broken/nowhere.json'), join(root, FILES.dangling));

  const ids = [
    ...ACTIONTRAIL.map((r) => r.eventId),
    ...CLOUDTRAIL_EARLY.Records.map((r) => r.eventID),
    ...CLOUDTRAIL.Records.map((r) => r.eventID),
    ...API_EVENTS.map((e) => e.EventId),
  ];
  return { root, ids, unreadable: [FILES.corrupt, FILES.dangling, FILES.notJson].map((f) => join(root, f)) };
}
