import { z } from 'zod';
import { defineNotifier, type DeliveryResult } from './types.js';
import type { Alert } from '../rules/types.js';
import { oneLine } from './format/text.js';

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
        const results: DeliveryResult[] = [];
        for (const alert of alerts) {
          const line = options.format === 'json' ? JSON.stringify(alert) : formatAlertLine(alert);
          try {
            await write(ctx.stdout, `${line}\n`);
            results.push({ alertId: alert.id, ok: true });
          } catch (err) {
            results.push({ alertId: alert.id, ok: false, error: `write failed: ${(err as Error).message}` });
          }
        }
        return results;
      },
    };
  },
});
