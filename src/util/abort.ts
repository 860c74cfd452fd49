/** Aborts `ms` after `signal` does: what notifiers get, so a stop lets deliveries under way finish. */
export function afterGrace(signal: AbortSignal | undefined, ms: number): AbortSignal | undefined {
  if (!signal) return undefined;
  const late = new AbortController();
  const start = () => setTimeout(() => late.abort(signal.reason), ms).unref();
  if (signal.aborted) start();
  else signal.addEventListener('abort', start, { once: true });
  return late.signal;
}
