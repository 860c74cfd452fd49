import { describe, expect, it } from 'vitest';
import { AuditError } from '../../../src/errors.js';
import { lineSplitter, type Splitter } from '../../../src/sources/file/lines.js';
import { valueSplitter } from '../../../src/sources/file/values.js';

function run(splitter: Splitter, chunks: Buffer[]): [string, number][] {
  const out: [string, number][] = [];
  const emit = (text: string, line: number) => out.push([text, line]);
  for (const c of chunks) splitter.push(c, emit);
  splitter.end(emit);
  return out;
}

/** Every way of cutting `text` in two, so each byte position is tried as a chunk boundary. */
function everySplit(text: string): Buffer[][] {
  const buf = Buffer.from(text);
  return Array.from({ length: buf.length + 1 }, (_, i) => [buf.subarray(0, i), buf.subarray(i)]);
}

describe('valueSplitter', () => {
  const tricky = [{ a: 'x\\' }, { b: 'q"}]{[' }, { c: ['\\"', '日本語', { d: 1 }] }, 'str"ing', 42, null, true];
  const text = '[\n' + tricky.map((v) => JSON.stringify(v)).join(',\n') + '\n]\n';

  it('yields each element of a top-level array with its line, at every chunk boundary', () => {
    const expected = tricky.map((v, i) => [JSON.stringify(v), i + 2]);
    for (const chunks of everySplit(text)) {
      expect(run(valueSplitter('t'), chunks)).toEqual(expected);
    }
  });

  it('yields concatenated and pretty-printed objects whole', () => {
    const a = JSON.stringify({ page: { Events: [{ EventId: '1' }] } }, null, 2);
    const b = '{"x": "}"}';
    for (const chunks of everySplit(`${a}\n${b}\n`)) {
      expect(run(valueSplitter('t'), chunks)).toEqual([
        [a, 1],
        [b, a.split('\n').length + 1],
      ]);
    }
  });

  it('streams the elements of {"Records":[...]} and {"Response":{"Events":[...]}}, skipping what follows the array', () => {
    const records = '{ "Records" : [\n{"eventID":"a","x":"]}"},\n{"eventID":"b"}\n] }\n{"eventID":"c"}\n';
    const page = '{"Response":{"Events":[{"EventId":"1"},{"EventId":"2"}],"RequestId":"r\\"}]}","ListOver":true}}';
    expect(run(valueSplitter('t'), [Buffer.from(records)])).toEqual([
      ['{"eventID":"a","x":"]}"}', 2],
      ['{"eventID":"b"}', 3],
      ['{"eventID":"c"}', 5],
    ]);
    expect(run(valueSplitter('t'), [Buffer.from(page)])).toEqual([
      ['{"EventId":"1"}', 1],
      ['{"EventId":"2"}', 1],
    ]);
    // Cut inside the prefix, the wrapper is one record (the reader unwraps it: the same events); cut after it, it streams.
    const prefix = '{"Response":{"Events":['.length;
    for (const [i, chunks] of everySplit(page).entries()) {
      const out = run(valueSplitter('t'), chunks).map(([text]) => text);
      expect(out).toEqual(i === 0 || i >= prefix ? ['{"EventId":"1"}', '{"EventId":"2"}'] : [page]);
    }
  });

  it('rejects an unterminated wrapper after its records', () => {
    const out: string[] = [];
    const s = valueSplitter('f.json');
    s.push(Buffer.from('{"Records":[{"a":1}],"more":{"b":'), (t) => out.push(t));
    expect(() => s.end(() => {})).toThrow(/f\.json:1: unexpected end of input: unterminated object/);
    expect(out).toEqual(['{"a":1}']);
  });

  it('rejects a top-level scalar and unterminated input with the line', () => {
    expect(() => run(valueSplitter('f.json'), [Buffer.from('\n\nnope')])).toThrow(/^f\.json:3: not JSON/);
    expect(() => run(valueSplitter('f.json'), [Buffer.from('[1,\n2')])).toThrow(AuditError);
    expect(() => run(valueSplitter('f.json'), [Buffer.from('{"a": "b')])).toThrow(/f\.json:1: unexpected end of input/);
  });
});

describe('lineSplitter', () => {
  it('splits on newlines at every chunk boundary, skipping blanks, trimming CR and the BOM', () => {
    const text = '\ufeff{"a":"日本"}\r\n\n   \n{"b":2}\n{"c":3}';
    const expected = [
      ['{"a":"日本"}', 1],
      ['{"b":2}', 4],
      ['{"c":3}', 5],
    ];
    for (const chunks of everySplit(text)) expect(run(lineSplitter(), chunks)).toEqual(expected);
  });
});
