// Three accounts on one emulator, for the multi-account tests: the caller's own, one it may assume
// a role in (with an external id), and one whose role trusts nobody.
import type { Source } from '../../../src/sources/types.js';
import { newSessionCache, type SessionCache } from '../../../src/sources/tencentcloud/role-credentials.js';
import { tencentcloudSource, type TencentSourceContext } from '../../../src/sources/tencentcloud/index.js';
import { createLogger } from '../../../src/util/logger.js';
import { makeEvent, startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, type Emulator, type EmulatorOptions } from '../../helpers/emulator/index.js';
import { at, HOUR, LogCapture, T0 } from './harness.js';

export const OWN = '100000000001';
export const PROD = '100000000002';
export const TEST = '100000000003';
export const arn = (account: string) => `qcs::cam::uin/${account}:roleName/AuditReader`;
export const EXTERNAL_ID = 'ext-7f3a9c21';
export const hour = { start: T0, end: at(HOUR) };
export const REGIONS = ['ap-guangzhou', 'ap-shanghai'];

/** Two events per account and region, each account's AccountID its own. */
export const events = [OWN, PROD, TEST].flatMap((account, a) =>
  REGIONS.flatMap((region, r) => [1, 2].map((k) => makeEvent({ name: `Call${k}`, time: at((a * 10 + r * 3 + k) * 60_000), accountId: account, region }))),
);

export const roles: EmulatorOptions['roles'] = [
  { roleArn: arn(PROD), account: PROD, externalId: EXTERNAL_ID, trusted: [OWN] },
  { roleArn: arn(TEST), account: TEST, allow: false },
];

export const prodOnly = { accounts: [{ id: PROD, roleArn: arn(PROD), externalId: EXTERNAL_ID }] };
export const prodAndDenied = { accounts: [...prodOnly.accounts, { id: TEST, roleArn: arn(TEST) }] };

/** The source's context: quiet unless given a log, instant retries, STS answers of its own unless shared. */
export const context = (now: () => Date = () => new Date(), logs?: LogCapture, sessions: SessionCache = newSessionCache()): TencentSourceContext => ({
  logger: logs ? createLogger('debug', logs) : createLogger('silent'),
  env: {},
  now,
  retryDelays: { minMs: 1, maxMs: 5 },
  sessions,
});

/** The options with the emulator's endpoint and the caller's own keys. */
export const optionsFor = (emu: Emulator, config: Record<string, unknown>) =>
  tencentcloudSource.options.parse({ provider: 'tencentcloud', endpoint: emu.url, credentials: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY }, ...config });

export async function fetchAll(s: Source, partition: string) {
  const out = [];
  for await (const batch of s.fetch(partition, hour)) out.push(...batch);
  return out;
}

/** What one test opened, closed after it (call `close` in afterEach). */
export class Opened {
  emu: Emulator | undefined;
  source: Source | undefined;

  /** The emulator with these accounts and roles. */
  async emulator(options: EmulatorOptions = {}): Promise<Emulator> {
    this.emu = await startEmulator({ events, accounts: { [TEST_SECRET_ID]: OWN }, roles, ...options });
    return this.emu;
  }

  async create(opts: ReturnType<typeof optionsFor>, ctx: TencentSourceContext): Promise<Source> {
    await this.source?.close?.();
    this.source = await tencentcloudSource.create(opts, ctx);
    return this.source;
  }

  /** Both regions, the caller's own keys, `config` on top; a log to look at. */
  async open(config: Record<string, unknown>, emuOptions: EmulatorOptions = {}, now: () => Date = () => new Date()) {
    const emu = await this.emulator(emuOptions);
    const logs = new LogCapture();
    const source = await this.create(optionsFor(emu, { regions: REGIONS, maxRequestsPerSecond: 20, ...config }), context(now, logs));
    return { emu, source, logs };
  }

  async close(): Promise<void> {
    await this.source?.close?.();
    await this.emu?.close();
    this.source = this.emu = undefined;
  }
}
