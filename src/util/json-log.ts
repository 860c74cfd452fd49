/**
 * The JSON line a log call becomes: the same shape pino wrote before (level label, ISO time,
 * bindings, fields, msg last; an Error under `err` as {type, message, stack}), without loading
 * pino, whose start-up was a tenth of a cron run's.
 */

export const REDACTED = '[redacted]';

/** `*.*.secretKey` as ['*', '*', 'secretKey']. */
export type RedactPath = readonly string[];

function serializeError(err: Error, seen: Set<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.constructor?.name ?? 'Error', message: err.message, stack: err.stack };
  for (const [k, v] of Object.entries(err)) if (!(k in out)) out[k] = v;
  if (err.cause !== undefined) out.cause = err.cause instanceof Error && !seen.has(err.cause) ? (seen.add(err.cause), serializeError(err.cause, seen)) : err.cause;
  return out;
}

/** Blanks every existing key the paths name, in a copy: the caller's object is never changed. */
function redactAt(value: unknown, path: RedactPath, i: number): unknown {
  if (!value || typeof value !== 'object') return value;
  const key = path[i];
  const last = i === path.length - 1;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const keys = key === '*' ? Object.keys(copy) : Object.prototype.hasOwnProperty.call(copy, key) ? [key] : [];
  for (const k of keys) copy[k] = last ? REDACTED : redactAt(copy[k], path, i + 1);
  return keys.length ? copy : value;
}

export function redactPaths(record: Record<string, unknown>, paths: readonly RedactPath[]): Record<string, unknown> {
  let out: unknown = record;
  for (const path of paths) out = redactAt(out, path, 0);
  return out as Record<string, unknown>;
}

/** JSON.stringify that survives cycles and BigInts, as pino's serializer did. */
export function stringify(value: unknown): string {
  const stack: unknown[] = [];
  return JSON.stringify(value, function (this: unknown, _key, v) {
    if (typeof v === 'bigint') return v.toString();
    if (!v || typeof v !== 'object') return v;
    // `this` is the holder: unwind the ancestors that are not on this branch.
    while (stack.length && stack[stack.length - 1] !== this) stack.pop();
    if (stack.includes(v)) return '[Circular]';
    stack.push(v);
    return v;
  });
}

/** The fields of one call: an Error first argument becomes `err`, pino's convention. */
export function fieldsOf(first: unknown): Record<string, unknown> | undefined {
  if (first instanceof Error) return { err: first };
  return first && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
}

/** Errors anywhere at the top level serialized with their stack (pino's `err` serializer, for every key). */
export function withSerializedErrors(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof Error) (out ??= { ...fields })[k] = serializeError(v, new Set([v]));
  }
  return out ?? fields;
}

export function formatLine(level: string, time: string, context: Record<string, unknown>, msg: string | undefined, paths: readonly RedactPath[]): string {
  const record: Record<string, unknown> = { level, time, ...redactPaths(withSerializedErrors(context), paths) };
  if (msg !== undefined) record.msg = msg;
  return stringify(record) + '\n';
}
