// The replay floor: split the file on '\n' bytes, decode each line, JSON.parse it and its
// CloudAuditEvent string, nothing else. `audit check --input` cannot beat this on one core.
// Prints the record count. (floor-string.mjs decodes whole chunks with setEncoding first, the
// way the issue measured it; it is slower here, so this one is the stricter reference.)
import { createReadStream } from 'node:fs';

let tail = null;
let count = 0;
let sink = 0;
const line = (buf, start, end) => {
  if (end <= start) return;
  const outer = JSON.parse(buf.toString('utf8', start, end));
  sink += JSON.parse(outer.CloudAuditEvent).eventVersion;
  count++;
};
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 256 * 1024 })) {
  let start = 0;
  let nl = chunk.indexOf(10);
  if (tail !== null && nl !== -1) {
    const joined = Buffer.concat([tail, chunk.subarray(0, nl)]);
    tail = null;
    line(joined, 0, joined.length);
    start = nl + 1;
    nl = chunk.indexOf(10, start);
  }
  while (nl !== -1) {
    line(chunk, start, nl);
    start = nl + 1;
    nl = chunk.indexOf(10, start);
  }
  if (start < chunk.length) tail = tail === null ? chunk.subarray(start) : Buffer.concat([tail, chunk.subarray(start)]);
}
if (tail !== null) line(tail, 0, tail.length);
process.stdout.write(`${count}\n`);
if (sink < 0) process.exitCode = 1; // keeps the parse results observable
