import { formatPath } from './issues.js';

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string of the parsed YAML. Done on the
 * parsed tree, not the text, so a value can never inject YAML structure. An unset variable
 * without a default is an error naming it and where it is used.
 *
 * Every value taken from the environment is added to `fromEnv`: the environment is where
 * tokens and keys are kept, so the loader treats each of them as a secret. Defaults written
 * in the file are not.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, errors: string[], fromEnv: Set<string> = new Set()): unknown {
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') return v.includes('${') ? substitute(v, path) : v;
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, [...path, k]);
      return out;
    }
    return v;
  };
  const substitute = (text: string, path: (string | number)[]) =>
    text.replace(VAR, (_, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') {
        fromEnv.add(v);
        return v;
      }
      if (fallback !== undefined) return fallback;
      errors.push(`${formatPath(path)}: environment variable ${name} is not set`);
      return '';
    });
  return walk(value, []);
}
