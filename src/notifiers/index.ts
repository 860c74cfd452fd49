export * from './types.js';
export { notifierPlugins, type NotifierType } from './registry.js';
export { notifiersConfigSchema, notifierConfigSchema, DEFAULT_NOTIFIERS, type NotifierConfig } from './config.js';
export { createNotifiers, deliver, closeNotifiers, type DeliveryReport, type DeliverOptions } from './deliver.js';
export { makeDigest, isDigest, DIGEST_RULE_ID } from './digest.js';
export { retryPolicy, DEFAULT_RETRY, type RetryPolicy } from './retry.js';
export { safeUrl } from './redact.js';
export { deliverOutbox, deliverDirect, type OutboxResult } from './outbox.js';
export { targetsFor, routes, type Routes } from './route.js';
