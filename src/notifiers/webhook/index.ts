import * as z from 'zod';
import { timeoutDuration } from '../../util/duration-schema.js';
import { defineNotifier, type DeliveryResult, type Notifier } from '../types.js';
import { retryPolicy, withRetry } from '../retry.js';
import { safeUrl, scrubber } from '../redact.js';
import { post, judge } from './http.js';
import { pace } from './pace.js';
import type { WebhookFormat } from './format.js';
import { dingtalkFormat } from './dingtalk.js';
import { wecomFormat } from './wecom.js';
import { feishuFormat } from './feishu.js';
import { slackFormat } from './slack.js';
import { jsonFormat } from './json.js';

export const webhookFormats: Record<string, WebhookFormat> = {
  json: jsonFormat,
  dingtalk: dingtalkFormat,
  wecom: wecomFormat,
  feishu: feishuFormat,
  slack: slackFormat,
};
const FORMAT_NAMES = ['json', 'dingtalk', 'wecom', 'feishu', 'slack'] as const;

const urlSchema = z.string().refine(
  (value) => {
    try {
      const u = new URL(value);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'invalid URL' },
).describe("The robot's webhook address or endpoint, http(s)://...; put tokens in ${VAR} to keep them out of the file.");

export const webhookOptions = z
  .strictObject({
    format: z
      .enum(FORMAT_NAMES)
      .default('json')
      .describe('Message body: json (the alert object, for any endpoint), or a chat robot: dingtalk, wecom, feishu, slack. Default json.'),
    url: urlSchema,
    secret: z.string().min(1).optional().describe('Signing secret, dingtalk (加签, the SEC... string) and feishu (签名校验) only.'),
    timeout: timeoutDuration
      .default(10_000)
      .describe(`How long one attempt may take; a stalled request is abandoned and retried. Default 10s. ${timeoutDuration.description}`),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Extra request headers, e.g. { Authorization: "Bearer ${TOKEN}" }; json format only (chat robots need none).'),
  })
  .superRefine((o, ctx) => {
    if (o.secret !== undefined && !webhookFormats[o.format].signs) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: `format ${o.format} has no signing (only dingtalk and feishu)` });
    }
    if (o.headers !== undefined && o.format !== 'json') {
      ctx.addIssue({ code: 'custom', path: ['headers'], message: `headers are for format json only, not ${o.format}` });
    }
  });

export type WebhookOptions = z.output<typeof webhookOptions>;

export const webhookNotifier = defineNotifier({
  type: 'webhook',
  options: webhookOptions,
  defaultMaxPerRun: (o) => (webhookFormats[o.format].chat ? 10 : undefined),
  // Chat robots get one message per event; the json format stays one POST per alert (its contract).
  bundles: (o) => webhookFormats[o.format].chat,
  create(name, options, ctx): Notifier {
    const format = webhookFormats[options.format];
    const policy = retryPolicy(ctx.retry);
    const scrub = scrubber(options.url, options.secret, ...Object.values(options.headers ?? {}));
    const log = ctx.logger.child({ notifier: name, format: options.format, url: safeUrl(options.url) });

    async function sendOne(alert: Parameters<Notifier['send']>[0][number], signal?: AbortSignal): Promise<DeliveryResult> {
      try {
        if (format.perMinute) await pace(options.url, format.perMinute, () => ctx.now().getTime(), policy.sleep, signal);
        await withRetry(
          async () => {
            const now = ctx.now();
            const req = format.request(options.url, alert, { now, shown: ctx.shown, secret: options.secret, headers: options.headers });
            // The signed URL of this attempt (DingTalk's sign) is a secret of its own.
            const signed = req.url === options.url ? undefined : scrubber(req.url);
            const scrubAttempt = (text: string) => scrub(signed ? signed(text) : text);
            try {
              // Masked before the verdict cuts the body to an excerpt, which could split a token.
              const answer = await post(req, options.timeout, signal);
              judge({ ...answer, body: scrubAttempt(answer.body) }, format.verdict, now);
            } catch (err) {
              if (err instanceof Error) err.message = scrubAttempt(err.message);
              throw err;
            }
          },
          policy,
          {
            signal,
            onRetry: (err, attempt, delayMs) =>
              log.warn({ alertId: alert.id, attempt, delayMs, error: scrub(err.message) }, 'webhook delivery failed, retrying'),
          },
        );
        log.debug({ alertId: alert.id }, 'webhook delivered');
        return { alertId: alert.id, ok: true };
      } catch (err) {
        const error = scrub(err instanceof Error ? err.message : String(err));
        log.debug({ alertId: alert.id, error }, 'webhook delivery failed');
        return { alertId: alert.id, ok: false, error };
      }
    }

    return {
      name,
      type: 'webhook',
      // One at a time: chat robots count messages per minute, and order matters to readers.
      async send(alerts, signal) {
        const results: DeliveryResult[] = [];
        for (const alert of alerts) results.push(await sendOne(alert, signal));
        return results;
      },
    };
  },
});
