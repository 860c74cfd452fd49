// Loaded with --import by the benchmark only: writes this process's peak RSS (KiB) at exit.
import { writeFileSync } from 'node:fs';

const file = process.env.AUDIT_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
