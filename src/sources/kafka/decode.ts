import type { AuditEvent } from '../../events/index.js';
import { AuditError, isAuditError } from '../../errors.js';
import { detectFormat, requireRecordFormat, type RecordFormat } from '../file/formats.js';
import type { KafkaOptions } from './options.js';

/**
 * CLS (Tencent Cloud Log Service) serves a topic over the Kafka protocol as JSON messages: either
 * the log's fields flattened into one object with CLS's metadata under `__`-prefixed keys
 * (`__TOPIC__`, `__SOURCE__`, `__TIMESTAMP__`, `__TAG__:...`), or the raw line under `__CONTENT__`.
 * A CloudAudit record shipped by a tracking set is such a log: its nested fields (userIdentity,
 * resources, ...) arrive as JSON text, so those are parsed back.
 */
export function unwrapCls(message: unknown): unknown {
  if (!message || typeof message !== 'object' || Array.isArray(message)) return message;
  const obj = message as Record<string, unknown>;
  if (typeof obj.__CONTENT__ === 'string') return JSON.parse(obj.__CONTENT__);
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key.startsWith('__')) continue;
    record[key] = typeof value === 'string' && /^\s*[[{]/.test(value) ? parseOr(value) : value;
  }
  return record;
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isClsMessage(message: unknown): boolean {
  return !!message && typeof message === 'object' && Object.keys(message).some((k) => k.startsWith('__'));
}

export type Decoder = (value: Buffer | null) => AuditEvent;

/**
 * One message's event, read as `format` says. Throws AuditError E_INPUT for a message it cannot
 * use; the source sets it aside (quarantine), never fails the run for it.
 */
export function decoder(format: KafkaOptions['format']): Decoder {
  const forced: RecordFormat | undefined =
    format === 'auto' || format === 'cls-json' ? undefined : requireRecordFormat(format, 'source.format', 'E_CONFIG');
  return (value) => {
    if (value === null || value.length === 0) throw new AuditError('E_INPUT', 'empty message');
    let parsed: unknown;
    try {
      parsed = JSON.parse(value.toString('utf8'));
    } catch {
      throw new AuditError('E_INPUT', 'not JSON');
    }
    let record = parsed;
    if (format === 'cls-json' || (format === 'auto' && isClsMessage(parsed))) {
      try {
        record = unwrapCls(parsed);
      } catch {
        throw new AuditError('E_INPUT', 'CLS message: __CONTENT__ is not JSON');
      }
    }
    const chosen = forced ?? detectFormat(record);
    if (!chosen) throw new AuditError('E_INPUT', 'not a trail record of any known provider');
    return chosen.normalize(record, {});
  };
}

/** Decoding is pure, so whatever it throws is about the message: set aside, never fatal. */
export function problemOf(err: unknown): string {
  return isAuditError(err) || err instanceof Error ? err.message : String(err);
}
