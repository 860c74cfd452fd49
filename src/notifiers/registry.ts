import { stdoutNotifier } from './stdout.js';
import { webhookNotifier } from './webhook/index.js';
import { execNotifier } from './exec.js';

/** Notifier type name → plugin. A new type is one file plus one line here. */
export const notifierPlugins = {
  stdout: stdoutNotifier,
  webhook: webhookNotifier,
  exec: execNotifier,
};

export type NotifierType = keyof typeof notifierPlugins;
