// BENCH_BEFORE_REF=<git ref>: the cases that compare with an earlier release measure that ref too.
// It is checked out in a temporary `git worktree` (node_modules symlinked from this repo), built
// with its own scripts/build.mjs, and removed when the bench ends.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A git ref, resolved to a commit in `root`; no shell, and never read as an option. */
function resolveRef(root, ref) {
  if (!/^[\w./~^@{}-]+$/.test(ref) || ref.startsWith('-')) throw new Error(`BENCH_BEFORE_REF: not a plain git ref: ${JSON.stringify(ref)}`);
  return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
}

/** Checks out and builds `sha` in a temporary worktree; returns its CLI and a cleanup. */
function buildRef(root, sha, log) {
  const dir = mkdtempSync(join(tmpdir(), 'audit-bench-before-'));
  const remove = () => {
    try {
      execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' });
    } catch {
      // not added, or already gone
    }
    rmSync(dir, { recursive: true, force: true });
    try {
      execFileSync('git', ['worktree', 'prune'], { cwd: root, stdio: 'ignore' });
    } catch {
      // nothing to prune
    }
  };
  try {
    log(`building ${sha.slice(0, 12)} in a temporary worktree`);
    execFileSync('git', ['worktree', 'add', '--detach', dir, sha], { cwd: root, stdio: 'ignore' });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    execFileSync(process.execPath, [join(dir, 'scripts/build.mjs')], { cwd: dir, stdio: 'inherit' });
  } catch (err) {
    remove();
    throw err;
  }
  return { cli: join(dir, 'dist/cli.js'), remove };
}


/** The earlier build to compare with, or undefined when BENCH_BEFORE_REF is unset. */
export function beforeBuild(root, log) {
  const ref = process.env.BENCH_BEFORE_REF;
  if (!ref) return undefined;
  const sha = resolveRef(root, ref);
  return { ref, sha, ...buildRef(root, sha, log) };
}
