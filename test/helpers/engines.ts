import { spawnSync } from 'node:child_process';

/**
 * Whether a real engine's binary (redis-server, kcat) is here. Under CI=true a missing one fails
 * the run (.ci/run installs both, and a skipped suite proves nothing); on a developer machine
 * the suites that need it skip, with one line saying what to install.
 */
export function engineAvailable(bin: string, versionArgs: string[], debianPackage: string): boolean {
  const probe = spawnSync(bin, versionArgs, { shell: false, stdio: 'ignore', timeout: 10_000 });
  if (!probe.error && probe.status === 0) return true;
  const install = `install the Debian package ${debianPackage} (apt-get install ${debianPackage})`;
  if (process.env.CI) throw new Error(`${bin} not found: ${install}; under CI=true the tests that need it must run`);
  console.warn(`skipping the tests that need ${bin}: ${install} to run them`);
  return false;
}
