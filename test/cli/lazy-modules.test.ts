import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, REPO_ROOT } from '../helpers/cli.js';

// Needs dist/: `npm run build` (npm test builds first). scripts/lazy-require.mjs moves the SDK's
// unused-on-our-path dependencies out of the chunks into dist/lazy/, required on first touch.
const require = createRequire(import.meta.url);
const lazy = (name: string) => require(join(REPO_ROOT, 'dist', 'lazy', `${name}.cjs`));

describe('the lazily required SDK dependencies', () => {
  it('are whole modules of their own that work when first used', async () => {
    await ensureBuilt();
    const FormData = lazy('form-data');
    const form = new FormData();
    form.append('field', 'value');
    expect(form.getBoundary()).toMatch(/^-+[0-9a-f]+$/);
    expect(new (lazy('whatwg-url').URL)('https://a.example/b/../c?d=1').href).toBe('https://a.example/c?d=1');
    const { HttpsProxyAgent } = lazy('https-proxy-agent');
    expect(typeof (HttpsProxyAgent ?? lazy('https-proxy-agent'))).toBe('function');
  });

  it('are not parsed with the chunks every check loads', async () => {
    await ensureBuilt();
    const dir = join(REPO_ROOT, 'dist', 'chunks');
    const chunks = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    const standIns = chunks.filter((c) => c.includes('../lazy/form-data.cjs'));
    expect(standIns).toHaveLength(1);
    // mime-db's table and tr46's mapping table are what made those dependencies slow to load.
    expect(chunks.some((c) => c.includes('"application/vnd.'))).toBe(false);
  });
});
