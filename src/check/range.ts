/**
 * Where a check starts for one partition: --since wins; else the checkpoint minus lateness, so
 * events that show up late are still seen (dedupe by id keeps them to one evaluation); else
 * the last 15 minutes. Always far enough back for the rules' windows.
 */
export const FIRST_RUN_MS = 15 * 60_000;

export interface RangeInput {
  until: Date;
  since?: Date;
  checkpoint?: Date;
  latenessMs: number;
  lookbackMs: number;
}

export interface PartitionRange {
  start: Date;
  end: Date;
  /** Events before this were already covered by an earlier run (used only for logging). */
  newFrom: Date;
}

export function partitionRange(input: RangeInput): PartitionRange {
  const { until } = input;
  const newFrom =
    input.since ??
    (input.checkpoint ? new Date(input.checkpoint.getTime() - input.latenessMs) : new Date(until.getTime() - FIRST_RUN_MS));
  const windowStart = new Date(until.getTime() - input.lookbackMs);
  const start = windowStart < newFrom ? windowStart : newFrom;
  return { start, end: until, newFrom };
}
