// Some dependencies of a bundled package are loaded only when first used, not when the package
// loads. The Tencent SDK's HTTP layer requires form-data (multipart uploads, which CloudAudit
// never sends: form-data, mime-db and a dozen helpers), an HTTPS proxy agent (only with a proxy
// set) and node-fetch's whatwg-url (a fallback for Node's own URL, with tr46's Unicode tables):
// together more than the SDK's own code took to load on every cron run, most of it parsing. Each
// is built on its own into dist/lazy/ and required from there on first touch; the SDK itself is
// not changed and still signs and sends every request.
import { createRequire } from 'node:module';
import { build } from 'esbuild';

/** Which bare imports become lazy, and only when imported from these packages' files. */
const LAZY = [
  { module: 'form-data', from: /[\\/]tencentcloud-sdk-nodejs[\\/]tencentcloud[\\/]common[\\/]http[\\/]/ },
  { module: 'https-proxy-agent', from: /[\\/]tencentcloud-sdk-nodejs[\\/]tencentcloud[\\/]common[\\/]http[\\/]/ },
  { module: 'whatwg-url', from: /[\\/]node-fetch[\\/]lib[\\/]/ },
];

/**
 * The stand-in: a function-shaped Proxy (so `new X()`, `X()` and `X.prop` all work) that
 * requires the real module on first use. `__esModule` is answered without loading, so tslib's
 * and esbuild's interop wrap the stand-in instead of touching it at load time.
 */
const standIn = (module) => `
let real;
const load = () => {
  if (real === undefined) {
    const m = require(${JSON.stringify(`lazy:${module}`)});
    real = m && m.__esModule && 'default' in m ? m.default : m;
  }
  return real;
};
module.exports = new Proxy(function lazy() {}, {
  get: (_, key) => (key === '__esModule' ? undefined : load()[key]),
  has: (_, key) => key in load(),
  construct: (_, args) => Reflect.construct(load(), args),
  apply: (_, self, args) => Reflect.apply(load(), self, args),
});
`;

/** Where each lazy module was found (the version the importing package would get). */
const found = new Map();

/** esbuild plugin for the CLI bundle; every chunk sits in dist/chunks/, the lazy modules in dist/lazy/. */
export const lazyRequire = {
  name: 'lazy-require',
  setup(b) {
    const names = new RegExp(`^(${LAZY.map((l) => l.module.replace(/[-/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter: names }, (args) => {
      if (args.namespace !== 'file' || !LAZY.some((l) => l.module === args.path && l.from.test(args.importer))) return undefined;
      found.set(args.path, createRequire(args.importer).resolve(args.path));
      return { path: args.path, namespace: 'lazy-require' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-require' }, (args) => ({ contents: standIn(args.path), loader: 'js' }));
    b.onResolve({ filter: /^lazy:/ }, (args) => ({ path: `../lazy/${args.path.slice(5)}.cjs`, external: true }));
  },
};

/** After the CLI bundle: each lazy module the plugin met, bundled whole into dist/lazy/NAME.cjs. */
export async function buildLazyModules(outdir) {
  await build({
    entryPoints: Object.fromEntries(found),
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
  });
}
