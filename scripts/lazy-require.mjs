// An esbuild plugin: some dependencies of a bundled package are evaluated only when first used,
// not when the package loads. The Tencent SDK's HTTP layer requires form-data (multipart
// uploads, which CloudAudit never sends: form-data, mime-db and a dozen helpers), an HTTPS
// proxy agent (only with a proxy set) and node-fetch's whatwg-url (a fallback for Node's own
// URL, with tr46's Unicode tables): together more than the SDK's own code takes to load, on every
// cron run. The SDK itself is not changed and still signs and sends every request; what it
// requires is the real module, reached through a proxy that loads it on first touch.

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
    const m = require(${JSON.stringify(module)});
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

export const lazyRequire = {
  name: 'lazy-require',
  setup(build) {
    const names = new RegExp(`^(${LAZY.map((l) => l.module.replace(/[-/]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter: names }, (args) => {
      if (args.namespace !== 'file' || !LAZY.some((l) => l.module === args.path && l.from.test(args.importer))) return undefined;
      return { path: args.path, namespace: 'lazy-require', pluginData: { resolveDir: args.resolveDir } };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-require' }, (args) => ({ contents: standIn(args.path), loader: 'js', resolveDir: args.pluginData.resolveDir }));
  },
};
