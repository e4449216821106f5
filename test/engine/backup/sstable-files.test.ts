import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareSSTableIds, parseComponentFileName, parseTableDirName, parseToc, unsafePathReason } from '../../../engine/backup/sstable-files.ts';

test('component file names: modern, UUID ids, BTI, 2.1 legacy, and non-sstable files', () => {
  assert.deepEqual(parseComponentFileName('nb-7-big-Data.db'), { prefix: 'nb-7-big', version: 'nb', id: '7', format: 'big', component: 'Data.db' });
  assert.deepEqual(parseComponentFileName('oa-3gbo_0pke_1u7kw2q0x9wxpehq7r-big-TOC.txt'), {
    prefix: 'oa-3gbo_0pke_1u7kw2q0x9wxpehq7r-big',
    version: 'oa',
    id: '3gbo_0pke_1u7kw2q0x9wxpehq7r',
    format: 'big',
    component: 'TOC.txt',
  });
  assert.equal(parseComponentFileName('da-1-bti-Partitions.db')?.component, 'Partitions.db');
  assert.equal(parseComponentFileName('nb-1-big-SAI+aa+users_email_idx+TermsData.db')?.component, 'SAI+aa+users_email_idx+TermsData.db');
  assert.deepEqual(parseComponentFileName('shop-users-ka-12-Data.db'), { prefix: 'shop-users-ka-12', version: 'ka', id: '12', format: 'big', component: 'Data.db' });
  for (const other of ['manifest.json', 'schema.cql', 'nb_txn_flush_1.log', 'tmp-nb-1-big-Data.db']) assert.equal(parseComponentFileName(other), undefined, other);
});

test('table folders: the 32-hex suffix becomes a dashed table id', () => {
  assert.deepEqual(parseTableDirName('users-6f0c1b2a000011ef8000000000000001'), { table: 'users', tableId: '6f0c1b2a-0000-11ef-8000-000000000001' });
  assert.deepEqual(parseTableDirName('my-table-6f0c1b2a000011ef8000000000000001').table, 'my-table');
  assert.deepEqual(parseTableDirName('users'), { table: 'users' });
});

test('generation order: integers numerically, then UUID ids', () => {
  assert.deepEqual(['10', '3gbo_0pke_1u7kw2q0x9wxpehq7r', '2', '3gbn_0pke_1u7kw2q0x9wxpehq7r'].sort(compareSSTableIds), ['2', '10', '3gbn_0pke_1u7kw2q0x9wxpehq7r', '3gbo_0pke_1u7kw2q0x9wxpehq7r']);
});

test('paths from manifests must stay inside their directory', () => {
  assert.equal(unsafePathReason('nb-1-big-Data.db', ''), undefined);
  assert.equal(unsafePathReason('p/n1/data/ks/t-1/nb-1-big-Data.db', 'p/n1/data/ks/t-1'), undefined);
  assert.equal(unsafePathReason('../x/nb-1-big-Data.db', ''), 'path "../x/nb-1-big-Data.db" leaves its directory');
  assert.equal(unsafePathReason('p/n1/data/ks/t-1/./a', 'p/n1/data/ks/t-1'), 'path "p/n1/data/ks/t-1/./a" leaves its directory');
  assert.equal(unsafePathReason('/etc/passwd', ''), 'absolute path "/etc/passwd"');
  assert.equal(unsafePathReason('C:/x', ''), 'absolute path "C:/x"');
  assert.equal(unsafePathReason('a\\..\\b', ''), 'backslash in path "a\\..\\b"');
  assert.equal(unsafePathReason('p/n2/data/ks/t-1/a', 'p/n1/data/ks/t-1'), 'path "p/n2/data/ks/t-1/a" is outside "p/n1/data/ks/t-1"');
  assert.equal(unsafePathReason('p/n1/data/ks/t-10/a', 'p/n1/data/ks/t-1'), 'path "p/n1/data/ks/t-10/a" is outside "p/n1/data/ks/t-1"');
});

test('TOC.txt: one component per line, CRLF and blank lines tolerated', () => {
  assert.deepEqual(parseToc('Data.db\r\nTOC.txt\n\nIndex.db\n'), ['Data.db', 'TOC.txt', 'Index.db']);
});
