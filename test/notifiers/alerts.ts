import { Writable } from 'node:stream';
import type { Alert, Severity } from '../../src/rules/model.js';

/** A realistic alert (a COS bucket deleted by a CAM user); override any part. */
export function makeAlert(over: { id?: string; rule?: string; severity?: Severity; summary?: string; time?: string } = {}): Alert {
  const id = over.id ?? 'a1';
  const time = over.time ?? '2026-11-20T03:04:05Z';
  return {
    id,
    time,
    rule: { id: over.rule ?? 'resource-deletion', title: 'Resource deleted', severity: over.severity ?? 'high' },
    summary: over.summary ?? 'ops-bot deleted bucket logs-1250000000 from 203.0.113.9',
    event: {
      id: `ev-${id}`,
      time,
      provider: 'tencentcloud',
      account: '100000000001',
      region: 'ap-guangzhou',
      name: 'DeleteBucket',
      type: 'ApiCall',
      service: 'cos',
      readOnly: false,
      actor: { type: 'CAMUser', id: '100000000002', name: 'ops-bot', accessKeyId: 'AKIDEXAMPLE', root: false },
      sourceIp: '203.0.113.9',
      userAgent: 'tencentcloud-sdk',
      error: null,
      sensitive: true,
      login: false,
      resources: [{ type: 'cos', name: 'logs-1250000000' }],
      requestId: 'req-1',
      raw: {},
    },
    count: 1,
    group: null,
    window: null,
  };
}

/** A stream that keeps what is written, for stdout notifiers, logs and CLI output. */
export function capture(): Writable & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  }) as Writable & { text(): string };
  stream.text = () => chunks.join('');
  return stream;
}

/** A retry sleep that records the delays asked for instead of waiting. */
export function recordingSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}
