/**
 * The one error type of the project. `code` says which stage failed, so the CLI can pick
 * the exit code without string matching; `issues` carries every problem found (config
 * validation reports all of them at once, not only the first).
 */
export type ErrorCode =
  | 'E_USAGE' // bad command-line arguments
  | 'E_CONFIG' // config file missing, unparsable or invalid
  | 'E_RULE' // a rule file is invalid
  | 'E_INPUT' // a recorded-events file cannot be read
  | 'E_AUTH' // the cloud rejected our credentials or permissions: retrying cannot help
  | 'E_SOURCE' // the cloud API failed after retries
  | 'E_NOTIFY' // a notifier failed to deliver
  | 'E_STATE'; // the state directory cannot be used

export class AuditError extends Error {
  readonly code: ErrorCode;
  /** One line per problem, each led by its path (`notifiers[1].url: invalid URL`). */
  readonly issues: string[];

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; issues?: string[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuditError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

/** Usage and configuration mistakes exit 2; everything that went wrong at run time exits 1. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof AuditError && (err.code === 'E_USAGE' || err.code === 'E_CONFIG' || err.code === 'E_RULE')) return 2;
  return 1;
}

export function isAuditError(err: unknown, code?: ErrorCode): err is AuditError {
  return err instanceof AuditError && (code === undefined || err.code === code);
}
