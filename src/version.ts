declare const __AUDIT_VERSION__: string | undefined;
/** Injected by scripts/build.mjs from package.json; tests running from source see the dev marker. */
export const VERSION: string = typeof __AUDIT_VERSION__ === 'string' ? __AUDIT_VERSION__ : '0.0.0-dev';
