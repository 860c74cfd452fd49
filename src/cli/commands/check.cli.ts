import { Option, type Command } from 'commander';
import type { CliIO } from '../io.js';
import { defineAction } from '../program.js';
import { outputOption } from './events.cli.js';

export function registerCheckCommands(program: Command, io: CliIO, setExit: (code: number) => void): void {
  defineAction(
    program
      .command('check')
      .description('fetch new events, evaluate the rules once, and deliver alerts (run it from crontab)')
      .option('-s, --since <when>', 'start: a duration back from now (30s, 5m, 2h, 1d) or an ISO time (default: the last checkpoint minus source.lateness; 15m on the first run)')
      .option('-u, --until <when>', 'end: a duration back from now or an ISO time (default: now)')
      .option('-i, --input <file>', 'evaluate recorded events (JSON, NDJSON, gzip; - for stdin) instead of calling the API')
      .addOption(outputOption().default(undefined, 'stdout notifiers only'))
      .option('--dry-run', 'print the alerts; write no state and send nothing')
      .option('--no-state', 'no dedupe and no checkpoint (ad-hoc queries)')
      .option('--fail-on-match', 'exit 3 when any alert is raised')
      .addOption(new Option('--lock-timeout <duration>', 'how long to wait for another run to finish').default('30s'))
      .addHelpText(
        'after',
        `
Examples:
  $ audit check                                   # what cron runs: from the last checkpoint to now
  $ audit check --since 1h --output json | jq .rule.id
  $ audit check --since 1h --fail-on-match --no-state || page-someone
  $ audit check --input examples/events.ndjson --no-state --output text

Crontab (every minute; alerts go to the configured notifiers, logs to a file):
  * * * * * /usr/bin/audit check --config /etc/audit/audit.yaml >> /var/log/audit-watch.log 2>&1

Exit codes: 0 ok (also when another run holds the lock), 1 source failed or an alert is still
undelivered (kept for the next run), 2 usage or config error, 3 alerts raised with --fail-on-match.`,
      ),
    io,
    setExit,
    async (ctx, opts) => (await import('./check.js')).runCheckCommand(ctx, opts),
  );

  defineAction(
    program
      .command('watch')
      .description('run the check on a schedule until stopped (SIGINT/SIGTERM finish the check in progress)')
      .option('--schedule <cron>', 'cron expression, seconds field optional (default: source.schedule, else every minute)')
      .addOption(new Option('--lock-timeout <duration>', 'how long a tick waits for another run to finish').default('30s'))
      .addHelpText('after', `\nExamples:\n  $ audit watch\n  $ audit watch --schedule "*/5 * * * *" --config /etc/audit/audit.yaml`),
    io,
    setExit,
    async (ctx, opts) => (await import('./watch.js')).runWatchCommand(ctx, opts),
  );
}
