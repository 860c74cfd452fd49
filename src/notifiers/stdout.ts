import * as z from 'zod';
import { defineNotifier, type DeliveryResult } from './types.js';
import { alertJson, alertText, type Alert } from '../rules/model.js';
import { padEnd } from '../events/text-width.js';
import { localTime } from '../util/local-time.js';
import { DEFAULT_SHOWN, type Presentation } from '../util/locale.js';
import { LABELS } from './format/labels.js';
import { oneLine } from './format/text.js';
import { redact } from '../util/secrets.js';

export const stdoutOptions = z.strictObject({
  format: z
    .enum(['text', 'json'])
    .default('text')
    .describe('text: one line per alert (time, severity, rule, summary); json: the alert object, one per line (NDJSON). Default text.'),
});

/** Severity colours for a terminal (ANSI); none in a pipe or with NO_COLOR. */
const COLOURS: Record<string, string> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };
const RULE_WIDTH = 22;
const SEVERITY_WIDTH = 8;

/** The time column is as wide as a time in this zone (`2026-11-22 18:00:40 CST`; some zones say GMT+13). */
const timeWidth = (timeZone: string) => localTime('2026-01-01T00:00:00.000Z', timeZone).length;

/** `2026-11-20 11:04:05 CST  CRITICAL  root-console-login      Root account signed in from 203.0.113.9` */
export function formatAlertLine(alert: Alert, colour = false, shown: Presentation = DEFAULT_SHOWN): string {
  const severity = LABELS[shown.locale].severity[alert.rule.severity.toUpperCase()] ?? alert.rule.severity;
  const sev = padEnd(severity, SEVERITY_WIDTH);
  return [
    padEnd(localTime(alert.time, shown.timeZone), timeWidth(shown.timeZone)),
    colour ? `${COLOURS[alert.rule.severity] ?? ''}${sev}\x1b[0m` : sev,
    padEnd(oneLine(alert.rule.id), RULE_WIDTH),
    oneLine(alertText(alert, shown.locale).summary),
  ].join('  ');
}

export function alertHeader(shown: Presentation = DEFAULT_SHOWN): string {
  return [padEnd('TIME', timeWidth(shown.timeZone)), padEnd('SEVERITY', SEVERITY_WIDTH), padEnd('RULE', RULE_WIDTH), 'SUMMARY'].join('  ');
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
          text = `${alertHeader(ctx.shown)}\n`;
          headed = true;
        }
        for (const alert of alerts) {
          text += `${options.format === 'json' ? alertJson(alert) : formatAlertLine(alert, colour, ctx.shown)}\n`;
        }
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
