// Realistic public source addresses for the detections case (issue 14): synth.mjs gives every
// user one documentation address (198.51.100.x), which a geo database never places and on which a
// firstSeen rule has nothing to learn. This rewrites each record's address, reproducibly, to one
// of a few thousand public IPv4 addresses: mostly the user's own office and home lines (CN ISP
// ranges), then cloud egress (CI, SDK and Terraform calls from Tencent Cloud hosts) and a tail of
// mobile, hotel and travel addresses in CN, HK/SG and Europe. The /16 prefixes below are ones the
// GeoLite2-derived test database places at city level. synth.mjs itself is left unchanged, so the
// replay case's data (cached by its hash) stays the same.
import { closeSync, openSync, writeSync } from 'node:fs';
import { prng, records } from './synth.mjs';

const OFFICE = ['113.108', '183.6', '116.228', '27.38', '42.120'];
const CLOUD = ['119.28', '43.135', '101.32'];
const ROAMING = ['14.215', '58.250', '221.4', '36.110', '112.65', '124.156', '3.120', '52.28', '89.246', '81.2', '34.96'];

/** `n` distinct addresses under the given /16 prefixes, in a fixed pseudo-random order. */
function pool(rand, prefixes, n) {
  const seen = new Set();
  while (seen.size < n) {
    const p = prefixes[Math.floor(rand() * prefixes.length)];
    seen.add(`${p}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`);
  }
  return [...seen];
}

/**
 * Per user (keyed by the synthetic address synth.mjs gave it): 4 office/home addresses; shared
 * pools of 1,500 cloud and 1,500 roaming addresses. Choice per event: 85% the user's own, 10%
 * cloud egress (only for API calls; console calls fall back to the user's own), 5% roaming.
 */
export function ipChooser(seed) {
  const rand = prng(seed);
  const cloud = pool(rand, CLOUD, 1500);
  const roaming = pool(rand, ROAMING, 1500);
  const own = new Map();
  return (userIp, consoleCall) => {
    let mine = own.get(userIp);
    if (!mine) own.set(userIp, (mine = pool(rand, OFFICE, 4)));
    const r = rand();
    if (r < 0.05) return roaming[Math.floor(rand() * roaming.length)];
    if (r < 0.15 && !consoleCall) return cloud[Math.floor(rand() * cloud.length)];
    return mine[Math.floor(rand() * mine.length)];
  };
}

/** synth.mjs's records with the source address rewritten in both places CloudAudit carries it. */
export function* publicIpRecords(opts, ipSeed = 1) {
  const choose = ipChooser(ipSeed);
  for (const r of records(opts)) {
    const old = r.SourceIPAddress;
    const ip = choose(old, r.CloudAuditEvent.includes('"eventType":"ConsoleCall"'));
    r.SourceIPAddress = ip;
    r.CloudAuditEvent = r.CloudAuditEvent.replace(`"sourceIPAddress":"${old}"`, `"sourceIPAddress":"${ip}"`);
    yield r;
  }
}

/** As synth.mjs's writeNdjson, with publicIpRecords; returns the byte count. */
export function writePublicIpNdjson(path, opts, ipSeed = 1) {
  const fd = openSync(path, 'w');
  let buf = '';
  let bytes = 0;
  try {
    for (const r of publicIpRecords(opts, ipSeed)) {
      buf += JSON.stringify(r) + '\n';
      if (buf.length > 1 << 22) {
        bytes += writeSync(fd, buf);
        buf = '';
      }
    }
    if (buf) bytes += writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
