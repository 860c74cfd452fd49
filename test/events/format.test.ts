import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/events/index.js';
import { actorLabel, formatEventHeader, formatEventLine } from '../../src/events/format.js';
import { displayWidth } from '../../src/events/text-width.js';

function event(over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: 'e1',
    time: '2026-11-22T10:00:40.000Z',
    provider: 'tencentcloud',
    account: '100012345678',
    region: 'ap-guangzhou',
    name: 'DeleteBucket',
    type: 'ApiCall',
    service: 'cos',
    readOnly: false,
    actor: { type: 'CAMUser', id: '100098765001', name: 'alice', accessKeyId: 'AKIDEXAMPLE', root: false },
    sourceIp: '198.51.100.23',
    userAgent: null,
    error: null,
    sensitive: true,
    login: false,
    resources: [],
    requestId: null,
    raw: {},
    ...over,
  };
}

/** Display column where the n-th field (0-based) starts, fields being separated by 2+ spaces. */
function columnStarts(line: string): number[] {
  const starts: number[] = [];
  const re = /(?:^|\s{2,})(\S)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    starts.push(displayWidth(line.slice(0, m.index + m[0].length - 1)));
  }
  return starts;
}

describe('formatEventLine', () => {
  it('prints time, name, actor, source IP and error in aligned columns', () => {
    const line = formatEventLine(event());
    expect(line).toBe(
      '2026-11-22 10:00:40 UTC  DeleteBucket                  CAMUser:alice                     198.51.100.23    -',
    );
    expect(columnStarts(line)).toEqual(columnStarts(formatEventHeader().replace('SOURCE IP', 'SOURCE_IP')));
  });

  it('shows the error code of a failed call', () => {
    const line = formatEventLine(event({ error: { code: 'AuthFailure.UnauthorizedOperation', message: 'no' } }));
    expect(line.endsWith('  AuthFailure.UnauthorizedOperation')).toBe(true);
  });

  it('keeps columns aligned for wide (CJK) names and cuts long ones with an ellipsis', () => {
    const base = columnStarts(formatEventLine(event()));
    const cjk = formatEventLine(event({ actor: { type: 'CAMUser', id: null, name: '运维管理员', accessKeyId: null, root: false } }));
    expect(columnStarts(cjk)).toEqual(base);
    const long = formatEventLine(event({ name: 'DescribeSomethingWithAVeryVeryLongName' }));
    expect(long).toContain('DescribeSomethingWithAVeryV…');
    expect(columnStarts(long)).toEqual(base);
  });

  it('never lets control or bidi characters from the event reach the terminal', () => {
    const line = formatEventLine(
      event({ name: 'Delete\u001b[2J\u001b[31mBucket', actor: { type: 'CAMUser', id: null, name: 'eve\u202e\r\n', accessKeyId: null, root: false } }),
    );
    expect(line).not.toMatch(/[\u0000-\u001f\u007f\u202e]/);
    // Escaped, the same way as in alerts and chat messages: visible, and inert in a terminal.
    expect(line).toContain('Delete\\u001b[2J');
    expect(line).toContain('CAMUser:eve\\u202e');
  });

  it('uses custom widths', () => {
    const line = formatEventLine(event(), { name: 6, actor: 8 });
    expect(line).toBe('2026-11-22 10:00:40 UTC  Delet…  CAMUser…  198.51.100.23    -');
  });

  it('shows local time with its zone, the date moving with it, and keeps columns aligned', () => {
    const late = event({ time: '2026-11-22T20:00:40.000Z' });
    expect(formatEventLine(late, { timeZone: 'Asia/Shanghai' }).startsWith('2026-11-23 04:00:40 CST  DeleteBucket')).toBe(true);
    expect(formatEventLine(late, { timeZone: 'America/Los_Angeles' }).startsWith('2026-11-22 12:00:40 PST  ')).toBe(true);
    const auckland = formatEventLine(late, { timeZone: 'Pacific/Auckland' });
    expect(auckland.startsWith('2026-11-23 09:00:40 GMT+13  ')).toBe(true);
    expect(columnStarts(auckland).slice(1)).toEqual(columnStarts(formatEventHeader({ timeZone: 'Pacific/Auckland' }).replace('SOURCE IP', 'SOURCE_IP')).slice(1));
  });

  it('shows dashes for what is unknown', () => {
    const line = formatEventLine(event({ name: '', sourceIp: null, actor: { type: null, id: null, name: null, accessKeyId: null, root: false } }));
    expect(line.split(/\s{2,}/).slice(1)).toEqual(['-', '-', '-', '-']);
  });
});

describe('actorLabel', () => {
  it('falls back from name to id to access key', () => {
    expect(actorLabel(event())).toBe('CAMUser:alice');
    expect(actorLabel(event({ actor: { type: 'Root', id: '100012345678', name: null, accessKeyId: 'AK', root: false } }))).toBe('Root:100012345678');
    expect(actorLabel(event({ actor: { type: null, id: null, name: null, accessKeyId: 'AK', root: false } }))).toBe('AK');
    expect(actorLabel(event({ actor: { type: 'Root', id: null, name: null, accessKeyId: null, root: false } }))).toBe('Root');
  });
});

describe('formatEventHeader', () => {
  it('names the columns', () => {
    expect(formatEventHeader().split(/\s{2,}/)).toEqual(['TIME', 'EVENT', 'ACTOR', 'SOURCE IP', 'ERROR']);
  });
});
