// An audit.yaml pointing the CLI at an emulator started by the bench, with the emulator's key.
import { writeFileSync } from 'node:fs';

export function writeEmulatorConfig(path, emulator, { secretId, secretKey }, extraSource = '', rest = '') {
  writeFileSync(
    path,
    `source:
  provider: tencentcloud
  region: ap-guangzhou
  endpoint: ${emulator.url}
  credentials: { secretId: ${secretId}, secretKey: ${secretKey} }
${extraSource}${rest}`,
  );
  return path;
}
