// The replay floor as the issue measured it: decode chunks to text (setEncoding), split on '\n'
// by hand, JSON.parse each line and its CloudAuditEvent string, nothing else. Informational:
// floor.mjs (Buffer split, per-line decode) is faster here and is the reference targets use.
import { createReadStream } from 'node:fs';

const stream = createReadStream(process.argv[2], { highWaterMark: 1 << 20 });
let rest = '';
let count = 0;
let sink = 0;
for await (const chunk of stream.setEncoding('utf8')) {
  const text = rest + chunk;
  let from = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
    if (nl > from) {
      const outer = JSON.parse(text.slice(from, nl));
      const inner = JSON.parse(outer.CloudAuditEvent);
      sink += inner.eventVersion;
      count++;
    }
    from = nl + 1;
  }
  rest = text.slice(from);
}
if (rest.trim()) {
  JSON.parse(JSON.parse(rest).CloudAuditEvent);
  count++;
}
process.stdout.write(`${count}\n`);
if (sink < 0) process.exitCode = 1; // keeps the parse results observable
