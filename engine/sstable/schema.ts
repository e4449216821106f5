// schema.cql as `nodetool snapshot` / DESCRIBE write it: CREATE TYPE, CREATE TABLE (columns, PRIMARY KEY, WITH ID,
// CLUSTERING ORDER BY, COMPACT STORAGE, other options) and `ALTER TABLE … DROP … USING TIMESTAMP` / ADD. CQL type
// names become AbstractType strings (cql3/CQL3Type.java) so they can be compared with the serialization header.

import { InvalidConfigError } from '../errors.ts';

export type ColumnKind = 'partition_key' | 'clustering' | 'static' | 'regular';

export interface SchemaColumn {
  name: string;
  /** CQL type text as written, e.g. `frozen<map<text, int>>`. */
  cqlType: string;
  kind: ColumnKind;
  /** ASC / DESC for clustering columns. */
  order?: 'ASC' | 'DESC';
}

export interface DroppedColumn { name: string; droppedAtMicros: number; cqlType?: string }

export interface TableSchema {
  keyspace?: string;
  name: string;
  id?: string;
  /** Partition key, clustering (in key order), then static and regular columns in declaration order. */
  columns: SchemaColumn[];
  compactStorage: boolean;
  options: Record<string, string>;
  dropped: DroppedColumn[];
}

export interface UserTypeSchema { keyspace?: string; name: string; fields: { name: string; cqlType: string }[] }

export interface SchemaFile { tables: TableSchema[]; types: UserTypeSchema[] }

type Token = { text: string; quoted: boolean; at: number };

function tokenize(cql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < cql.length) {
    const c = cql[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (cql.startsWith('--', i) || cql.startsWith('//', i)) { while (i < cql.length && cql[i] !== '\n') i++; continue; }
    if (cql.startsWith('/*', i)) { const e = cql.indexOf('*/', i + 2); i = e < 0 ? cql.length : e + 2; continue; }
    const at = i;
    if (c === '"' || c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= cql.length) throw new InvalidConfigError(`unterminated ${c} string at ${at}`, { at });
        if (cql[i] === c) { if (cql[i + 1] === c) { s += c; i += 2; continue; } i++; break; }
        s += cql[i++];
      }
      out.push({ text: c === '"' ? s : `'${s}'`, quoted: true, at });
      continue;
    }
    if (/[A-Za-z0-9_\-+.]/.test(c)) {
      while (i < cql.length && /[A-Za-z0-9_\-+.]/.test(cql[i]!)) i++;
      out.push({ text: cql.slice(at, i), quoted: false, at });
      continue;
    }
    if (c === '{') { // map literal of options: keep as one token
      let depth = 0;
      while (i < cql.length) { if (cql[i] === '{') depth++; if (cql[i] === '}' && --depth === 0) { i++; break; } i++; }
      out.push({ text: cql.slice(at, i), quoted: true, at });
      continue;
    }
    out.push({ text: c, quoted: false, at });
    i++;
  }
  return out;
}

class Parser {
  i = 0;
  constructor(readonly t: Token[]) {}
  peek(k = 0): string { return this.t[this.i + k]?.text ?? ''; }
  is(word: string, k = 0): boolean { const tok = this.t[this.i + k]; return !!tok && !tok.quoted && tok.text.toUpperCase() === word; }
  next(): Token {
    const tok = this.t[this.i++];
    if (!tok) throw new InvalidConfigError('unexpected end of schema');
    return tok;
  }
  expect(text: string): void {
    const tok = this.next();
    if (tok.text.toUpperCase() !== text) throw new InvalidConfigError(`schema: '${text}' expected at ${tok.at}, found '${tok.text}'`, { at: tok.at });
  }
  accept(word: string): boolean { if (this.is(word)) { this.i++; return true; } return false; }
  identifier(): string { const tok = this.next(); return tok.quoted ? tok.text : tok.text.toLowerCase(); }
  /** `[ks.]name` (a dotted token or quoted parts). */
  qualifiedName(): { keyspace?: string; name: string } {
    const tok = this.next();
    let parts = tok.quoted ? [tok.text] : tok.text.split('.').map((p) => p.toLowerCase());
    if (this.peek() === '.' || (!tok.quoted && tok.text.endsWith('.'))) {
      if (this.peek() === '.') this.i++;
      parts = [...parts.filter((p) => p), this.identifier()];
    }
    return parts.length > 1 ? { keyspace: parts[0]!, name: parts[1]! } : { name: parts[0]! };
  }
  /** A CQL type up to the next ',' or ')' at depth 0; returned normalised (`map<text, int>`). */
  cqlType(): string {
    let s = '';
    let depth = 0;
    for (;;) {
      const p = this.peek();
      if (depth === 0 && (p === ',' || p === ')' || p === '' || this.is('PRIMARY') || this.is('STATIC'))) break;
      const tok = this.next();
      if (tok.text === '<') depth++;
      if (tok.text === '>') depth--;
      s += tok.text === ',' ? ', ' : tok.quoted && !tok.text.startsWith("'") ? `"${tok.text}"` : tok.text;
    }
    return s;
  }
}

function parseCreateType(p: Parser): UserTypeSchema {
  if (p.accept('IF')) { p.expect('NOT'); p.expect('EXISTS'); }
  const { keyspace, name } = p.qualifiedName();
  p.expect('(');
  const fields: { name: string; cqlType: string }[] = [];
  while (p.peek() !== ')') {
    fields.push({ name: p.identifier(), cqlType: p.cqlType() });
    if (p.peek() === ',') p.next();
  }
  p.expect(')');
  return { ...(keyspace ? { keyspace } : {}), name, fields };
}

function parseIdentifierList(p: Parser): string[] {
  const out: string[] = [];
  p.expect('(');
  while (p.peek() !== ')') { out.push(p.identifier()); if (p.peek() === ',') p.next(); }
  p.expect(')');
  return out;
}

function parseCreateTable(p: Parser): TableSchema {
  if (p.accept('IF')) { p.expect('NOT'); p.expect('EXISTS'); }
  const { keyspace, name } = p.qualifiedName();
  p.expect('(');
  const declared: { name: string; cqlType: string; isStatic: boolean }[] = [];
  let partitionKey: string[] = [];
  let clustering: string[] = [];
  while (p.peek() !== ')') {
    if (p.is('PRIMARY') && p.is('KEY', 1)) {
      p.next(); p.next();
      p.expect('(');
      if (p.peek() === '(') partitionKey = parseIdentifierList(p);
      else partitionKey = [p.identifier()];
      while (p.peek() === ',') { p.next(); clustering.push(p.identifier()); }
      p.expect(')');
    } else {
      const col = { name: p.identifier(), cqlType: p.cqlType(), isStatic: false };
      for (;;) {
        if (p.accept('STATIC')) col.isStatic = true;
        else if (p.is('PRIMARY')) { p.next(); p.expect('KEY'); partitionKey = [col.name]; }
        else break;
      }
      declared.push(col);
    }
    if (p.peek() === ',') p.next();
  }
  p.expect(')');
  const options: Record<string, string> = {};
  const order = new Map<string, 'ASC' | 'DESC'>();
  let compactStorage = false;
  let id: string | undefined;
  if (p.accept('WITH')) {
    do {
      if (p.accept('COMPACT')) { p.expect('STORAGE'); compactStorage = true; continue; }
      if (p.is('CLUSTERING') && p.is('ORDER', 1)) {
        p.next(); p.next(); p.expect('BY'); p.expect('(');
        while (p.peek() !== ')') {
          const c = p.identifier();
          order.set(c, p.accept('DESC') ? 'DESC' : (p.accept('ASC'), 'ASC'));
          if (p.peek() === ',') p.next();
        }
        p.expect(')');
        continue;
      }
      const key = p.identifier();
      p.expect('=');
      const value = p.next().text;
      if (key === 'id') id = value;
      else options[key] = value;
    } while (p.accept('AND'));
  }
  const byName = new Map(declared.map((c) => [c.name, c]));
  const column = (n: string, kind: ColumnKind): SchemaColumn => {
    const c = byName.get(n);
    if (!c) throw new InvalidConfigError(`schema of ${name}: primary key column ${n} is not declared`, { table: name });
    return kind === 'clustering' ? { name: n, cqlType: c.cqlType, kind, order: order.get(n) ?? 'ASC' } : { name: n, cqlType: c.cqlType, kind };
  };
  if (partitionKey.length === 0) throw new InvalidConfigError(`schema of ${name}: no PRIMARY KEY`, { table: name });
  const keyNames = new Set([...partitionKey, ...clustering]);
  const columns = [
    ...partitionKey.map((n) => column(n, 'partition_key')),
    ...clustering.map((n) => column(n, 'clustering')),
    ...declared.filter((c) => !keyNames.has(c.name)).map((c): SchemaColumn => ({ name: c.name, cqlType: c.cqlType, kind: c.isStatic ? 'static' : 'regular' })),
  ];
  return { ...(keyspace ? { keyspace } : {}), name, ...(id ? { id } : {}), columns, compactStorage, options, dropped: [] };
}

function parseAlterTable(p: Parser, tables: TableSchema[]): void {
  const { name } = p.qualifiedName();
  const table = tables.find((t) => t.name === name);
  if (!table) throw new InvalidConfigError(`ALTER TABLE of unknown table ${name}`, { table: name });
  if (p.accept('DROP')) {
    const names = p.peek() === '(' ? parseIdentifierList(p) : [p.identifier()];
    let ts = Number.POSITIVE_INFINITY;
    if (p.accept('USING')) { p.expect('TIMESTAMP'); ts = Number(p.next().text); }
    for (const n of names) {
      const col = table.columns.find((c) => c.name === n);
      table.dropped.push({ name: n, droppedAtMicros: ts, ...(col ? { cqlType: col.cqlType } : {}) });
      table.columns = table.columns.filter((c) => c.name !== n);
    }
  } else if (p.accept('ADD')) {
    const n = p.identifier();
    const cqlType = p.cqlType();
    table.columns.push({ name: n, cqlType, kind: p.accept('STATIC') ? 'static' : 'regular' });
  }
}

/** Parses every CREATE TYPE / CREATE TABLE / ALTER TABLE statement; other statements are skipped. */
export function parseSchema(cql: string): SchemaFile {
  const p = new Parser(tokenize(cql));
  const tables: TableSchema[] = [], types: UserTypeSchema[] = [];
  while (p.i < p.t.length) {
    if (p.accept('CREATE')) {
      if (p.accept('TYPE')) types.push(parseCreateType(p));
      else if (p.accept('TABLE') || (p.accept('COLUMNFAMILY'))) tables.push(parseCreateTable(p));
    } else if (p.accept('ALTER') && (p.accept('TABLE') || p.accept('COLUMNFAMILY'))) {
      parseAlterTable(p, tables);
    }
    while (p.i < p.t.length && p.peek() !== ';') p.i++;
    p.i++;
  }
  return { tables, types };
}
