export { resolveStateDir, APP_DIR, type ResolveStateDirOptions } from './dir.js';
export { acquireLock, lockFilePath, LOCK_STALE_MS, LOCK_UPDATE_MS, type AcquireLockOptions, type StateLock } from './lock.js';
export { openState, type OpenStateOptions, type PruneResult, type StateStats, type StateStore } from './store.js';
export type { Outbox, OutboxEntry, PendingDelivery } from '../notifiers/outbox.js';
export { STATE_FILE, STATE_VERSION } from './schema.js';
export { ephemeralState, type RunState } from './ephemeral.js';
