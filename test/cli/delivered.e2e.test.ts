// `--input <directory>` end to end: the built CLI over a tree of delivered logs of three trails.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEventSchema } from '../../src/events/schema.js';
import { ACTIONTRAIL, CLOUDTRAIL, writeDeliveredTree, type DeliveredTree } from '../sources/file/delivered-tree.js';
import { GUARD_MARK, ndjson, ROOT, sandbox, stackLines, type Sandbox } from './run-cli.js';

const EXAMPLES = path.join(ROOT, 'examples', 'events.ndjson');

let box: Sandbox;
let tree: DeliveredTree;
beforeEach(async () => {
  box = await sandbox();
  tree = writeDeliveredTree(path.join(box.dir, 'archive'));
});
afterEach(() => box.cleanup());

type Alert = { rule: { id: string }; event: { id: string; provider: string } };
const pairs = (alerts: Alert[]) => alerts.map((a) => `${a.rule.id} ${a.event.id}`);

describe('audit check --input <directory>', () => {
  it('raises the alerts of every trail in the tree, and the same CloudAudit alerts as the events file alone', async () => {
    const r = await box.run(['check', '--input', tree.root, '--no-state', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const alerts = ndjson(r.stdout) as Alert[];
    expect(pairs(alerts)).toEqual(
      expect.arrayContaining([
        `root-console-login ${ACTIONTRAIL[0].eventId}`,
        `resource-deletion ${ACTIONTRAIL[1].eventId}`,
        `audit-tampering ${ACTIONTRAIL[2].eventId}`,
        `root-console-login ${CLOUDTRAIL.Records[0].eventID}`,
        `resource-deletion ${CLOUDTRAIL.Records[1].eventID}`,
        `audit-tampering ${CLOUDTRAIL.Records[2].eventID}`,
      ]),
    );
    expect(new Set(alerts.map((a) => a.event.provider))).toEqual(new Set(['alibabacloud', 'aws', 'tencentcloud']));
    // The CloudAudit events come in three files of three shapes; window rules judge them as one stream.
    const alone = await box.run(['check', '--input', EXAMPLES, '--no-state', '--output', 'json']);
    expect(alone.code, alone.stderr).toBe(0);
    // (Printed as raised: window alerts come when a batch crosses their minute, so compare them as sets.)
    expect(pairs(alerts.filter((a) => a.event.provider === 'tencentcloud')).sort()).toEqual(pairs(ndjson(alone.stdout) as Alert[]).sort());
    // The unreadable files are warned about, one line each, and counted as quarantined; the run still succeeds.
    for (const file of tree.unreadable) expect(r.stderr).toContain(`${file}`);
    expect(r.stderr).toMatch(/"quarantined":3/);
    expect(stackLines(r.stderr)).toEqual([]);
    expect(r.stderr).not.toContain(GUARD_MARK);
  });

  it('--provider forces one trail\'s format; an unknown name exits 2 listing the known ones', async () => {
    const aws = await box.run(['check', '--input', path.join(tree.root, 'AWSLogs'), '--provider', 'aws', '--no-state', '--output', 'json']);
    expect(aws.code, aws.stderr).toBe(0);
    expect(pairs(ndjson(aws.stdout) as Alert[])).toContain(`root-console-login ${CLOUDTRAIL.Records[0].eventID}`);

    const unknown = await box.run(['check', '--input', tree.root, '--provider', 'gcp', '--no-state']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--provider: unknown provider "gcp" (known: normalized, aws, alibabacloud, tencentcloud)');
    const noInput = await box.run(['events', '--provider', 'aws']);
    expect(noInput.code).toBe(2);
    expect(noInput.stderr).toContain('--provider: only with --input');
  });

  it('a provider: file source with format: reads the directory as the config says', async () => {
    const config = path.join(box.dir, 'audit.yaml');
    writeFileSync(config, `source:\n  provider: file\n  path: ${JSON.stringify(path.join(tree.root, 'actiontrail'))}\n  format: alibabacloud\n`);
    const r = await box.run(['check', '--config', config, '--no-state', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(pairs(ndjson(r.stdout) as Alert[])).toContain(`root-console-login ${ACTIONTRAIL[0].eventId}`);

    writeFileSync(config, `source:\n  provider: file\n  path: ${JSON.stringify(tree.root)}\n  format: gcp\n`);
    const bad = await box.run(['check', '--config', config, '--no-state']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('source.format: unknown provider "gcp"');
  });
});

describe('audit events --input <directory>', () => {
  it('prints every event of the tree, normalized, in time order across the files', async () => {
    const r = await box.run(['events', '--input', tree.root, '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const events = ndjson(r.stdout).map((e) => auditEventSchema.parse(e));
    expect(events.map((e) => e.id)).toEqual(tree.ids);
    expect(events.map((e) => e.time)).toEqual(events.map((e) => e.time).sort());
  });

  it('--provider with rules test --events reads a directory the same way', async () => {
    const r = await box.run(['rules', 'test', 'builtin:root-console-login', '--events', path.join(tree.root, 'actiontrail'), '--provider', 'alibabacloud', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const [report] = ndjson(r.stdout) as { id: string; matched: string[] }[];
    expect(report).toMatchObject({ id: 'root-console-login', matched: [ACTIONTRAIL[0].eventId] });
  });
});
