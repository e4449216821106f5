// Runs a Python snippet in the PyIceberg venv (~/.cache/cassberg/venv) with JSON in and out: the
// snippet reads `INPUT` and assigns `OUTPUT`. Local to these tests until test/harness/pyiceberg.ts
// exists.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseJson } from '../../../engine/iceberg/spec/json.ts';

export const VENV_PYTHON = process.env.CASSBERG_PYICEBERG_PYTHON ?? join(homedir(), '.cache/cassberg/venv/bin/python');

/** True, or a thrown error naming what is missing: the suite runs against PyIceberg or fails, never skips. */
export function pyicebergAvailable(): boolean {
  if (!existsSync(VENV_PYTHON)) throw new Error(`PyIceberg venv not found at ${VENV_PYTHON}: run scripts/bootstrap.sh`);
  return true;
}

const PRELUDE = `
import json, sys, datetime, decimal, uuid, base64
INPUT = json.loads(sys.stdin.read())
def _default(o):
    if isinstance(o, (datetime.datetime, datetime.date, datetime.time)): return o.isoformat()
    if isinstance(o, decimal.Decimal): return str(o)
    if isinstance(o, (bytes, bytearray)): return 'hex:' + bytes(o).hex()
    if isinstance(o, uuid.UUID): return str(o)
    if isinstance(o, datetime.timedelta): return str(o)
    return repr(o)
def _clean(o):
    if isinstance(o, float) and o != o: return 'NaN'
    if isinstance(o, dict): return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return [_clean(v) for v in o]
    return o
OUTPUT = None
`;

export async function runPython<T>(snippet: string, input: unknown): Promise<T> {
  const code = `${PRELUDE}\n${snippet}\nsys.stdout.write('\\n@@OUTPUT@@' + json.dumps(_clean(OUTPUT), default=_default))\n`;
  const child = spawn(VENV_PYTHON, ['-c', code], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdin.end(JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  const code_ = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const at = out.lastIndexOf('@@OUTPUT@@');
  if (code_ !== 0 || at < 0) throw new Error(`python exited ${code_}: ${err.slice(-4000)}`);
  return parseJson(out.slice(at + '@@OUTPUT@@'.length)) as T;
}

/** Reads a table with PyIceberg: through SqlCatalog (`uri`) or StaticTable (`metadataLocation`). */
export const READ_TABLE = `
from pyiceberg.table import StaticTable
if INPUT.get('metadataLocation'):
    table = StaticTable.from_metadata(INPUT['metadataLocation'])
else:
    from pyiceberg.catalog.sql import SqlCatalog
    cat = SqlCatalog(INPUT['catalog'], uri=INPUT['uri'], warehouse=INPUT['warehouse'])
    table = cat.load_table(INPUT['table'])
arrow = table.scan().to_arrow()
rows = arrow.to_pylist()
key = INPUT.get('sortBy')
if key: rows.sort(key=lambda r: (r[key] is None, r[key]))
entries = table.inspect.entries().to_pylist() if INPUT.get('inspect') else []
files = table.inspect.files().to_pylist() if INPUT.get('inspect') else []
snapshots = table.inspect.snapshots().to_pylist() if INPUT.get('inspect') else []
OUTPUT = {
  'schema': str(table.schema()),
  'arrowSchema': [[f.name, str(f.type)] for f in arrow.schema],
  'rows': rows,
  'entries': [{'status': e['status'], 'snapshot_id': str(e['snapshot_id']), 'sequence_number': e['sequence_number'], 'file_path': e['data_file']['file_path'], 'record_count': e['data_file']['record_count']} for e in entries],
  'files': [{'file_path': f['file_path'], 'record_count': f['record_count'], 'value_counts': f['value_counts'], 'null_value_counts': f['null_value_counts'], 'lower_bounds': f['lower_bounds'], 'upper_bounds': f['upper_bounds'], 'column_sizes': f['column_sizes']} for f in files],
  'snapshots': [{'snapshot_id': str(s['snapshot_id']), 'operation': s['operation'], 'summary': dict(s['summary'] or [])} for s in snapshots],
}
`;
