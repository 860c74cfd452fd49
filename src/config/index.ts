export { loadConfig, parseConfig, type LoadedConfig, type LoadOptions } from './load.js';
export { configSchema, type Config, type SourceConfig } from './schema.js';
export { formatPath, formatIssues } from './issues.js';
