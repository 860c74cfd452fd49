import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { AuditError } from '../../src/errors.js';
import { redact } from '../../src/util/secrets.js';

/** A fresh value per use: the registry is process-wide, so tests must not share values. */
const fresh = (prefix = '') => `${prefix}${randomBytes(12).toString('hex')}`;

function rejected(yaml: string, env: NodeJS.ProcessEnv = {}): AuditError {
  try {
    parseConfig(yaml, env, 'audit.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(AuditError);
    return err as AuditError;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseConfig registers the secrets the config holds', () => {
  it('every value taken from ${VAR}, but not the defaults written in the file', () => {
    const [token, program] = [fresh(), fresh('/opt/')];
    const defaulted = fresh('default-');
    parseConfig(
      [
        'notifiers:',
        '  - { name: sms, type: exec, command: ["${PROGRAM}", "--token=${TOKEN}", "${MODE:-' + defaulted + '}"] }',
      ].join('\n'),
      { TOKEN: token, PROGRAM: program },
    );
    expect(redact(`run ${program} --token=${token} ${defaulted}`)).toBe(`run *** --token=*** ${defaulted}`);
  });

  it('but not ${VAR} values that are plainly settings: regions, severities, durations, bare endpoints', () => {
    const env = { REGION: 'ap-guangzhou', SEV: 'critical', LATE: '15m', EP: 'http://127.0.0.1:9000', KEY: 'd2784bb449a0952528051f00' };
    parseConfig(
      [
        'source: { region: "${REGION}", lateness: "${LATE}", endpoint: "${EP}" }',
        'notifiers:',
        '  - { name: sms, type: exec, minSeverity: "${SEV}", command: ["/usr/bin/cagent_tools", "--key=${KEY}"] }',
      ].join('\n'),
      env,
    );
    expect(redact('ap-guangzhou critical 15m http://127.0.0.1:9000 "level":"info"')).toBe('ap-guangzhou critical 15m http://127.0.0.1:9000 "level":"info"');
    expect(redact('--key=d2784bb449a0952528051f00')).toBe('--key=***');
  });

  it('webhook URL tokens (query and path), signing secrets, header values and the credential alone', () => {
    const [query, path, secret, header] = [fresh(), fresh('T'), fresh('SEC'), fresh()];
    parseConfig(
      [
        'notifiers:',
        `  - { name: ding, type: webhook, format: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=${query}", secret: "${secret}" }`,
        `  - { name: feishu, type: webhook, format: feishu, url: "https://open.feishu.cn/open-apis/bot/v2/hook/${path}" }`,
        `  - { name: siem, type: webhook, url: "https://siem.example/in", headers: { Authorization: "Bearer ${header}" } }`,
      ].join('\n'),
      {},
    );
    expect(redact(`${query} ${path} ${secret} ${header} Bearer ${header}`)).toBe('*** *** *** *** ***');
    expect(redact('https://siem.example/in')).toBe('https://siem.example/in');
  });

  it('the Tencent SecretKey and session token, in the file or in the environment', () => {
    const [key, token, envKey, envToken] = [fresh(), fresh(), fresh(), fresh()];
    parseConfig(`source:\n  credentials: { secretId: AKIDexample, secretKey: "${key}", token: "${token}" }\n`, {
      TENCENTCLOUD_SECRET_KEY: envKey,
      TENCENTCLOUD_SESSION_TOKEN: envToken,
    });
    expect(redact(`${key} ${token} ${envKey} ${envToken} AKIDexample`)).toBe('*** *** *** *** AKIDexample');
  });

  it('a Kafka source\'s SASL password (CLS: SecretId#SecretKey)', () => {
    const [id, key] = [fresh(), fresh()];
    parseConfig(`source: { provider: kafka, brokers: ["127.0.0.1:9092"], topic: t, group: g, sasl: { mechanism: plain, username: logset-1, password: "${id}#${key}" } }\n`, {});
    expect(redact(`${id}#${key} logset-1`)).toBe('*** logset-1');
  });

  it('every source of a sources: list, every provider\'s keys and tokens, and role external ids', () => {
    const v = Array.from({ length: 10 }, fresh);
    // Registered before validation: masked even where the rest of the config is rejected.
    const parse = () => parseConfig(
      [
        'sources:',
        `  - { provider: tencentcloud, credentials: { secretId: AKIDexample, secretKey: "${v[0]}" }, accounts: [{ id: "100012345678", roleArn: "qcs::cam::uin/100012345678:roleName/R", externalId: "${v[1]}" }] }`,
        `  - { provider: alibabacloud, account: "1234", credentials: { accessKeyId: LTAIexample, accessKeySecret: "${v[2]}", securityToken: "${v[3]}" } }`,
        `  - { provider: aws, account: "123456789012", credentials: { accessKeyId: AKIAexample, secretAccessKey: "${v[4]}", sessionToken: "${v[5]}" } }`,
      ].join('\n'),
      { ALIBABA_CLOUD_ACCESS_KEY_SECRET: v[6], ALIBABA_CLOUD_SECURITY_TOKEN: v[7], AWS_SECRET_ACCESS_KEY: v[8], AWS_SESSION_TOKEN: v[9] },
    );
    try {
      parse();
    } catch {
      /* only what was registered matters here */
    }
    expect(redact(v.join(' '))).toBe(Array(10).fill('***').join(' '));
    expect(redact('LTAIexample AKIAexample')).toBe('LTAIexample AKIAexample');
  });
});

describe('config errors name the path, never a secret', () => {
  it('a rejected URL carrying a token is not echoed, nor are its other secrets', () => {
    const [token, secret] = [fresh(), fresh()];
    const err = rejected(
      `notifiers:\n  - { name: ding, type: webhook, format: dingtalk, url: "ftp://oapi.example/send?access_token=${token}", secret: "${secret}", timout: 5s }\n`,
    );
    expect(err.issues).toContain('notifiers[0].url: invalid URL');
    expect(err.issues.join('\n')).toContain('notifiers[0].timout: unknown key');
    for (const s of [token, secret]) {
      expect(err.message + err.issues.join('\n')).not.toContain(s);
      expect(redact(`x ${s}`)).toBe('x ***');
    }
  });

  it('an entry the schema rejects still has its secrets registered', () => {
    const header = fresh();
    const err = rejected(`notifiers:\n  - { name: BAD NAME, type: webhook, url: "https://h.example/", headers: { X-Key: "${header}" } }\n`);
    expect(err.issues.some((i) => i.startsWith('notifiers[0].name: '))).toBe(true);
    expect(redact(header)).toBe('***');
  });
});
