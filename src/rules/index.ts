export * from './model.js';
export { rulesConfigSchema, DEFAULT_RULES_CONFIG, type RulesConfig, type RulesConfigItem } from './config.js';
export { ruleSchema, type RuleSpec, type RuleSpecInput } from './schema.js';
export { loadRules, type LoadOptions } from './load.js';
export { compileRules, type CompiledRule, type LoadedRule, type RuleSet } from './compile.js';
export { createEngine, type Engine, type EngineOptions } from './engine.js';
export { BUILTIN_PACKS, BUILTIN_RULES } from './builtin/index.js';
