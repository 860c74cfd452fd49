import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_PATH as CLI, ensureBuilt } from '../helpers/cli.js';

const run = promisify(execFile);

/** What bash completes for a command line, the cursor on its last word. */
async function complete(line: string): Promise<string[]> {
  // The line is a fixed test string, passed as an argument to bash, never interpolated into the script.
  const script = `source <("${process.execPath}" "${CLI}" completion bash); read -ra COMP_WORDS <<< "$1"; COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _audit_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const { stdout } = await run('bash', ['-c', script, 'complete', line]);
  return stdout.split('\n').filter(Boolean);
}

describe('audit completion', () => {
  it('bash completes commands, subcommands and each command\'s flags, past option values', async () => {
    await ensureBuilt();
    expect(await complete('audit ou')).toEqual(['outbox']);
    expect(await complete('audit rules te')).toEqual(['test']);
    expect(await complete('audit check --since 5m --un')).toEqual(['--until']);
    expect(await complete('audit rules test mine.yaml --ev')).toEqual(['--events']);
  });

  it('zsh and fish scripts are printed; an unknown shell is a usage error', async () => {
    const zsh = await run(process.execPath, [CLI, 'completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^autoload -U \+X bashcompinit && bashcompinit$/m);
    const fish = await run(process.execPath, [CLI, 'completion', 'fish']);
    expect(fish.stdout).toContain('complete -c audit -n "__fish_seen_subcommand_from check" -l since');
    const bad = await run(process.execPath, [CLI, 'completion', 'tcsh']).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown shell "tcsh"/) });
  });
});
