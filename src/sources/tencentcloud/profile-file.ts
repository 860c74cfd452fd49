import { readFile } from 'node:fs/promises';
import path from 'node:path';

// The credentials file of the Tencent SDKs: INI, `[default]` and any named sections, each with
// `secret_id`, `secret_key` and optionally `token`. Read here rather than through the SDK's
// ProfileCredential, which knows only `[default]` and finds the home directory through
// os.homedir() instead of the environment the command was given.

export const SYSTEM_CREDENTIALS_FILE = '/etc/tencentcloud/credentials';

export type IniSections = Map<string, Record<string, string>>;

/** The user's file when HOME is set, then the system one; the SDK reads the first that exists. */
export function credentialFiles(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME || env.USERPROFILE;
  return [...(home ? [path.join(home, '.tencentcloud', 'credentials')] : []), SYSTEM_CREDENTIALS_FILE];
}

/**
 * An unquoted value ends at an unescaped `;` or `#`, and quotes around a value are dropped, as
 * the SDK's `ini` parser does, so a file means the same to both.
 */
function iniValue(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\' && i + 1 < v.length && ';#\\'.includes(v[i + 1])) out += v[++i];
    else if (c === ';' || c === '#') break;
    else out += c;
  }
  return out.trim();
}

export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith(';') || t.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(t);
    if (header) {
      const name = header[1].trim();
      current = sections.get(name) ?? {};
      sections.set(name, current);
      continue;
    }
    const eq = t.indexOf('=');
    // Keys above the first section belong to none, as in the SDK, which reads only sections.
    if (eq > 0 && current) current[t.slice(0, eq).trim()] = iniValue(t.slice(eq + 1));
  }
  return sections;
}

export type CredentialsFile = { file: string; sections: IniSections } | { file: string; unreadable: string } | undefined;

/** The first credentials file that exists, parsed; undefined when there is none. */
export async function readCredentialsFile(env: NodeJS.ProcessEnv): Promise<CredentialsFile> {
  for (const file of credentialFiles(env)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      return { file, unreadable: code ?? String(err) };
    }
    return { file, sections: parseIni(text) };
  }
  return undefined;
}
