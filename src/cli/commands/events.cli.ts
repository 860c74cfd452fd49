import { Option, type Command } from 'commander';
import type { CliIO } from '../io.js';
import { defineAction } from '../program.js';

export function outputOption(): Option {
  return new Option('-o, --output <format>', 'text or json (NDJSON); default: text in a terminal, json in a pipe').choices(['text', 'json']);
}

export function registerEventsCommand(program: Command, io: CliIO, setExit: (code: number) => void): void {
  defineAction(
    program
      .command('events')
      .description('print the normalized audit events of a time range, from CloudAudit or a recorded file')
      .option('-s, --since <when>', 'start: a duration back from now (30s, 5m, 2h, 1d) or an ISO time (default: 1h; a recorded file is shown whole)')
      .option('-u, --until <when>', 'end: a duration back from now or an ISO time (default: now)')
      .option('-i, --input <file>', 'read recorded events (JSON, NDJSON, gzip; - for stdin) instead of calling the API')
      .addOption(outputOption())
      .addHelpText(
        'after',
        `
Examples:
  $ audit events --since 2h
  $ audit events --since 2026-11-20T00:00:00Z --until 2026-11-21T00:00:00Z --output json > day.ndjson
  $ audit events --input examples/events.ndjson --output json | jq -r .name
  $ zcat trail.json.gz | audit events --input - --output json`,
      ),
    io,
    setExit,
    async (ctx, opts) => {
      const { runEvents } = await import('./events.js');
      return runEvents(ctx, opts);
    },
  );
}
