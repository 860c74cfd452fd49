// Bundles the CLI into dist/ with esbuild: one file per lazily-loaded part, so `audit --version`
// does not pay for zod or the SDK. Everything is bundled (the SDK's cloudaudit path too),
// so the published package has no runtime dependencies to install.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { buildLazyModules, lazyRequire } from './lazy-require.mjs';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * What the config cache (src/config/cache-store.ts) keys its entries on besides the files: every
 * source file (schemas, built-in rules) and the lockfile (the dependencies that parse and validate).
 */
async function buildId() {
  const root = new URL('..', import.meta.url);
  const files = (await readdir(new URL('src', root), { recursive: true })).filter((f) => f.endsWith('.ts')).sort().map((f) => `src/${f}`);
  const hash = createHash('sha256');
  for (const f of [...files, 'package.json', 'package-lock.json']) hash.update(f).update('\0').update(await readFile(new URL(f, root))).update('\0');
  return `${pkg.version}+${hash.digest('hex').slice(0, 16)}`;
}

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  // The replay worker (sources/file/parallel/) is an entry of its own, sharing the chunks.
  entryPoints: { cli: 'src/cli/main.ts', 'file-worker': 'src/sources/file/parallel/worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: [],
  // Bundled CommonJS dependencies still call require() for Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  // The AWS SDK warns on every run that its 2027 releases need Node 22: noise on stderr for a cron job
  // whose Node is supported today.
  define: { __AUDIT_VERSION__: JSON.stringify(pkg.version), __AUDIT_BUILD__: JSON.stringify(await buildId()), 'process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED': '"true"' },
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [lazyRequire],
});
await buildLazyModules('dist/lazy');

// `audit --help` as commander prints it into a pipe (80 columns), for src/cli/main.ts to print
// without loading commander and every command. Made by the build just made, so it cannot drift.
const help = execFileSync(process.execPath, ['dist/cli.js', '--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
await writeFile('dist/help.txt', help);

// The emulators (CloudAudit with STS, ActionTrail, CloudTrail), for `npm run demo` and the
// benchmark: test helpers, so they are built outside dist/ and never packed.
await build({
  entryPoints: {
    'cloudaudit-emulator': 'test/helpers/emulator/index.ts',
    'actiontrail-emulator': 'test/helpers/actiontrail-emulator/index.ts',
    'cloudtrail-emulator': 'test/helpers/cloudtrail-emulator/index.ts',
  },
  outdir: 'build',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
