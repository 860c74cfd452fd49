/**
 * `{{path}}` substitution for summaries and notifier messages. Deliberately not a template
 * language: event text comes from whoever called the cloud API, so nothing in a template or
 * a value is ever evaluated. A path that resolves to nothing renders as empty.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}/g;

export function getPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const key of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Each path is looked up on the first scope that has it: for an alert, pass
 * `[alert, alert.event]` so both `{{rule.id}}` and `{{actor.name}}` work.
 */
export function renderTemplate(template: string, scopes: unknown[]): string {
  return template.replace(PLACEHOLDER, (_, path: string) => {
    for (const scope of scopes) {
      const value = getPath(scope, path);
      if (value !== undefined) return toText(value);
    }
    return '';
  });
}
