import * as z from 'zod';
import { defineNotifier, type DeliveryResult } from './types.js';
import type { Alert } from '../rules/model.js';
import { oneLine } from './format/text.js';
import { redact } from '../util/secrets.js';

export const stdoutOptions = z.strictObject({
  /** text: one readable line per alert; json: the alert object, one per line (NDJSON). */
  format: z.enum(['text', 'json']).default('text'),
});

/** `2026-11-20T03:04:05Z  CRITICAL  root-login  Root account signed in from 203.0.113.9` */
export function formatAlertLine(alert: Alert): string {
  return [alert.time, alert.rule.severity.toUpperCase().padEnd(8), alert.rule.id, oneLine(alert.summary)].join('  ');
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

export const stdoutNotifier = defineNotifier({
  type: 'stdout',
  options: stdoutOptions,
  create(name, options, ctx) {
    return {
      name,
      type: 'stdout',
      async send(alerts) {
        // One write per batch: a replay can print hundreds of thousands of alerts.
        let text = '';
        for (const alert of alerts) text += `${options.format === 'json' ? JSON.stringify(alert) : formatAlertLine(alert)}\n`;
        let error: string | undefined;
        try {
          if (text) await write(ctx.stdout, text);
        } catch (err) {
          error = redact(`write failed: ${(err as Error).message}`);
        }
        return alerts.map((alert): DeliveryResult => (error ? { alertId: alert.id, ok: false, error } : { alertId: alert.id, ok: true }));
      },
    };
  },
});
