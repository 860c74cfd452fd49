// The results table: one row per measure, ratios and targets where a case has them.
const fmt = (v, unit) => {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'string') return v;
  if (unit === 'events/s' || unit === 'calls' || unit === 'events' || unit === 'alerts') return Math.round(v).toLocaleString('en-US');
  if (unit === 'ms') return v.toFixed(1);
  return v.toFixed(1);
};

export function tableRows(rows) {
  return rows.map((r) => [
    r.case,
    r.measure,
    `${fmt(r.value, r.unit)} ${r.unit}`.trim(),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x${r.reference ? ` ${r.reference}` : ''}`,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
}

const HEAD = ['case', 'measure', 'value', 'ratio', 'target', 'met'];

export function textTable(rows) {
  const all = [HEAD, ...tableRows(rows)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function markdownTable(rows) {
  const line = (r) => `| ${r.join(' | ')} |`;
  return [line(HEAD), line(HEAD.map(() => '---')), ...tableRows(rows).map(line)].join('\n');
}
