/**
 * Keeps a chat robot under its per-minute quota (DingTalk and WeCom: 20 messages a minute; past
 * it they drop messages with an error). Shared by every notifier of one process that posts to
 * the same robot, so `audit watch` stays under it across runs too. A wait longer than the run's
 * delivery budget aborts with the budget, and the message stays in the outbox for the next run.
 */
const sentAt = new Map<string, number[]>();

export async function pace(
  robot: string,
  perMinute: number,
  nowMs: () => number,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const recent = (sentAt.get(robot) ?? []).filter((t) => nowMs() - t < 60_000);
  sentAt.set(robot, recent);
  if (recent.length >= perMinute) await sleep(recent[recent.length - perMinute] + 60_000 - nowMs(), signal);
  recent.push(nowMs());
}

/** Forgets every robot's history (tests that reuse one receiver). */
export function resetPacing(): void {
  sentAt.clear();
}
