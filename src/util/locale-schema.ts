import * as z from 'zod';
import { isTimeZone, LOCALES } from './locale.js';

// Apart from locale.ts, which zod-free commands (`audit --help`, `notify test`) import: zod alone takes longer to load than the whole help.

export const localeSchema = z
  .enum(LOCALES)
  .describe('Language of alert titles, summaries and message labels: zh-CN or en. Default: from LC_ALL / LC_MESSAGES / LANG (zh_* is zh-CN).');

export const timeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: 'unknown time zone (use an IANA name such as Asia/Shanghai or UTC)' })
  .describe('IANA time zone for times in messages and text output, e.g. Asia/Shanghai. Default: TZ, else the system zone. JSON stays UTC.');
