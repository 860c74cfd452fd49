import * as z from 'zod';
import { defineNotifier, type DeliveryResult } from './types.js';
import type { Alert } from '../rules/model.js';
import { shortTime } from '../events/format.js';
import { oneLine } from './format/text.js';
import { redact } from '../util/secrets.js';

export const stdoutOptions = z.strictObject({
  /** text: one readable line per alert; json: the alert object, one per line (NDJSON). */
  format: z.enum(['text', 'json']).default('text'),
});

/** Severity colours for a terminal (ANSI); none in a pipe or with NO_COLOR. */
const COLOURS: Record<string, string> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };
const RULE_WIDTH = 22;

/** `2026-11-20T03:04:05Z  CRITICAL  root-login              Root account signed in from 203.0.113.9` */
export function formatAlertLine(alert: Alert, colour = false): string {
  const sev = alert.rule.severity.toUpperCase().padEnd(8);
  return [shortTime(alert.time), colour ? `${COLOURS[alert.rule.severity] ?? ''}${sev}\x1b[0m` : sev, alert.rule.id.padEnd(RULE_WIDTH), oneLine(alert.summary)].join('  ');
}

export const ALERT_HEADER = ['TIME'.padEnd(20), 'SEVERITY', 'RULE'.padEnd(RULE_WIDTH), 'SUMMARY'].join('  ');

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

export const stdoutNotifier = defineNotifier({
  type: 'stdout',
  options: stdoutOptions,
  create(name, options, ctx) {
    const tty = (ctx.stdout as { isTTY?: boolean }).isTTY === true;
    // Colour and a header are for a person at a terminal; a pipe gets plain lines.
    const colour = tty && !ctx.env.NO_COLOR;
    let headed = !tty;
    return {
      name,
      type: 'stdout',
      async send(alerts) {
        // One write per batch: a replay can print hundreds of thousands of alerts.
        let text = '';
        if (options.format === 'text' && !headed && alerts.length > 0) {
          text = `${ALERT_HEADER}\n`;
          headed = true;
        }
        for (const alert of alerts) text += `${options.format === 'json' ? JSON.stringify(alert) : formatAlertLine(alert, colour)}\n`;
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
