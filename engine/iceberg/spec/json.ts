// Lossless JSON for Iceberg metadata: snapshot ids are 63-bit, so integers beyond 2^53 parse to
// BigInt and BigInt values serialise as bare digits. Plain JSON.parse would silently round them.

import { CassbergError } from '../../errors.ts';

const INT_RE = /^-?\d+$/;

/** Parses JSON text; integer literals outside the safe range become `bigint`. */
export function parseJson(text: string): unknown {
  const cursor = { text, pos: 0 };
  const value = readValue(cursor);
  skipWhitespace(cursor);
  if (cursor.pos !== text.length) fail(cursor, 'trailing characters');
  return value;
}

interface Cursor { text: string; pos: number }

function fail(c: Cursor, what: string): never {
  throw new CassbergError('DataInvalid', `json: ${what} at offset ${c.pos}`);
}

function skipWhitespace(c: Cursor): void {
  while (c.pos < c.text.length && ' \t\n\r'.includes(c.text[c.pos]!)) c.pos++;
}

function readValue(c: Cursor): unknown {
  skipWhitespace(c);
  const ch = c.text[c.pos];
  if (ch === '{') return readObject(c);
  if (ch === '[') return readArray(c);
  if (ch === '"') return readString(c);
  if (c.text.startsWith('true', c.pos)) return (c.pos += 4), true;
  if (c.text.startsWith('false', c.pos)) return (c.pos += 5), false;
  if (c.text.startsWith('null', c.pos)) return (c.pos += 4), null;
  return readNumber(c);
}

function readObject(c: Cursor): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  c.pos++;
  skipWhitespace(c);
  if (c.text[c.pos] === '}') return c.pos++, out;
  for (;;) {
    skipWhitespace(c);
    if (c.text[c.pos] !== '"') fail(c, 'expected object key');
    const key = readString(c);
    skipWhitespace(c);
    if (c.text[c.pos++] !== ':') fail(c, 'expected ":"');
    out[key] = readValue(c);
    skipWhitespace(c);
    const sep = c.text[c.pos++];
    if (sep === '}') return out;
    if (sep !== ',') fail(c, 'expected "," or "}"');
  }
}

function readArray(c: Cursor): unknown[] {
  const out: unknown[] = [];
  c.pos++;
  skipWhitespace(c);
  if (c.text[c.pos] === ']') return c.pos++, out;
  for (;;) {
    out.push(readValue(c));
    skipWhitespace(c);
    const sep = c.text[c.pos++];
    if (sep === ']') return out;
    if (sep !== ',') fail(c, 'expected "," or "]"');
  }
}

function readString(c: Cursor): string {
  const start = c.pos;
  c.pos++;
  while (c.pos < c.text.length) {
    const ch = c.text[c.pos++];
    if (ch === '\\') c.pos++;
    else if (ch === '"') return JSON.parse(c.text.slice(start, c.pos)) as string;
  }
  return fail(c, 'unterminated string');
}

function readNumber(c: Cursor): number | bigint {
  const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(c.text.slice(c.pos, c.pos + 400));
  if (!m) fail(c, 'unexpected character');
  c.pos += m[0].length;
  const n = Number(m[0]);
  if (INT_RE.test(m[0]) && !Number.isSafeInteger(n)) return BigInt(m[0]);
  return n;
}

/** Serialises like JSON.stringify(value, null, indent) but writes `bigint` as bare digits. */
export function stringifyJson(value: unknown, indent = 0): string {
  return writeValue(value, indent, '');
}

function writeValue(value: unknown, indent: number, pad: string): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = indent ? pad + ' '.repeat(indent) : '';
  const nl = indent ? '\n' : '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => inner + writeValue(v, indent, inner));
    return `[${nl}${items.join(',' + nl)}${nl}${pad}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const colon = indent ? ': ' : ':';
  const items = entries.map(([k, v]) => inner + JSON.stringify(k) + colon + writeValue(v, indent, inner));
  return `{${nl}${items.join(',' + nl)}${nl}${pad}}`;
}
