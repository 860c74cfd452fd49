import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TEST_SECRET_ID, TEST_SECRET_KEY } from '../helpers/emulator/index.js';

export interface SourceSettings {
  endpoint: string;
  secretId?: string;
  secretKey?: string;
  /** Extra lines under `source:`, e.g. `timeout: 1s`. */
  source?: string[];
  /** Extra top-level YAML (notifiers, rules). */
  rest?: string;
}

/** Writes `<dir>/audit.yaml` pointing the Tencent source at a local emulator, as scripts/demo.mjs does. */
export async function writeEmulatorConfig(dir: string, s: SourceSettings): Promise<string> {
  const file = path.join(dir, 'audit.yaml');
  const lines = [
    'source:',
    '  region: ap-guangzhou',
    `  endpoint: ${s.endpoint}`,
    `  credentials: { secretId: ${s.secretId ?? TEST_SECRET_ID}, secretKey: ${s.secretKey ?? TEST_SECRET_KEY} }`,
    ...(s.source ?? []).map((l) => `  ${l}`),
    `state: { dir: ${JSON.stringify(path.join(dir, 'state'))} }`,
    s.rest ?? '',
  ];
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}
