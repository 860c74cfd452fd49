export * from './schema.js';
export { insanity, LIMITS as EVENT_LIMITS } from './sanity.js';
