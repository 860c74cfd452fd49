import { readFileSync } from 'node:fs';

/** Whether a process is running; a zombie (killed, not yet reaped) is dead for our purpose. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
