import type { Command } from 'commander';
import { DEFAULT_SHOWN, type Locale, type Presentation } from '../../util/locale.js';
import { AuditError } from '../../errors.js';
import type { NotifierConfig, RetryPolicy } from '../../notifiers/index.js';
import type { Alert } from '../../rules/model.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { defineAction, type SetExit } from '../define.js';
import type { CliIO } from '../io.js';

/** `audit notify test NAME`. */
export function registerNotifyCommands(program: Command, io: CliIO, setExit: SetExit): void {
  const notify = program
    .command('notify')
    .description('check notifiers before relying on them')
    .addHelpText('after', '\nExamples:\n  $ audit notify test ops');
  defineAction(
    notify
      .command('test')
      .description('send one clearly marked sample alert through a configured notifier; prints delivered or the failure')
      .argument('<name>', 'the notifier name from the config')
      .addHelpText('after', '\nExamples:\n  $ audit notify test ops\n  $ audit notify test sms --config /etc/audit/audit.yaml'),
    io,
    setExit,
    async (ctx, _opts, [name]) => {
      const loaded = await ctx.config();
      const { presentationFrom } = await import('../../util/locale.js');
      return notifyTest(loaded.config.notifiers, name, ctx.io, ctx.logger, { shown: presentationFrom(ctx.io.env, loaded.config) });
    },
  );
}

export const TEST_TITLE = '[TEST] cloudaudit-watch test alert';
const TEST_TEXT: Record<Locale, { title: string; summary: (name: string) => string }> = {
  en: { title: TEST_TITLE, summary: (name) => `Test message: notifier "${name}" works, nothing happened in your account` },
  'zh-CN': { title: '[测试] cloudaudit-watch 测试消息', summary: (name) => `通知渠道“${name}”配置成功。这是一条测试消息，账号内没有发生任何操作` },
};

/** A sample alert that cannot be mistaken for a real one: every visible field says TEST, in the reader's language. */
export function sampleAlert(now: Date, notifier: string, locale: Locale = 'en'): Alert {
  const time = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const id = `test-${now.getTime().toString(36)}`;
  return {
    id,
    time,
    rule: { id: 'cloudaudit-watch.test', title: TEST_TEXT[locale].title, severity: 'info' },
    summary: TEST_TEXT[locale].summary(notifier),
    event: {
      id,
      time,
      provider: 'tencentcloud',
      account: null,
      region: null,
      name: 'NotifierTest',
      type: 'Test',
      service: 'cloudaudit-watch',
      readOnly: true,
      actor: { type: 'Test', id: null, name: 'cloudaudit-watch', accessKeyId: null, root: false },
      sourceIp: null,
      userAgent: 'cloudaudit-watch notify test',
      error: null,
      sensitive: false,
      login: false,
      resources: [],
      requestId: null,
      raw: { test: true },
    },
    count: 1,
    group: null,
    window: null,
  };
}

export interface NotifyTestIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  now: Clock;
}

/**
 * `audit notify test <name>`: sends one sample alert through that notifier alone, ignoring its
 * minSeverity (a test must reach the channel). Prints `delivered` or the reason; 0 or 1.
 */
export async function notifyTest(
  configs: readonly NotifierConfig[],
  name: string,
  io: NotifyTestIO,
  logger: Logger,
  options: { retry?: Partial<RetryPolicy>; signal?: AbortSignal; shown?: Presentation } = {},
): Promise<number> {
  const config = configs.find((c) => c.name === name);
  if (!config) {
    const names = configs.map((c) => c.name);
    throw new AuditError('E_USAGE', `unknown notifier "${name}" (configured: ${names.length ? names.join(', ') : 'none'})`);
  }
  const { createNotifiers, closeNotifiers } = await import('../../notifiers/index.js');
  const [notifier] = createNotifiers([config], { logger, env: io.env, now: io.now, stdout: io.stdout, retry: options.retry, shown: options.shown ?? DEFAULT_SHOWN });
  try {
    const alert = sampleAlert(io.now(), name, notifier.shown?.locale);
    const [result] = await notifier.send([alert], options.signal);
    if (result?.ok) {
      io.stdout.write('delivered\n');
      return 0;
    }
    io.stderr.write(`failed: ${name} (${config.type}): ${result?.error ?? 'no result'}\n`);
    return 1;
  } finally {
    await closeNotifiers([notifier]);
  }
}
