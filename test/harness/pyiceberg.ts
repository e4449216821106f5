// Runs Python snippets in the bootstrap's PyIceberg venv: the independent implementation cassberg's Iceberg output
// is checked against. JSON goes in as INPUT; the snippet assigns OUTPUT, which comes back as JSON on fd 3, so
// whatever the snippet or a library prints on stdout cannot corrupt it.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { CassbergError } from '../../engine/errors.ts';
import { tools } from '../../dev/tools.ts';

export const VENV_PYTHON = process.env.CASSBERG_PYICEBERG_PYTHON ?? tools.python;

// Values JSON cannot carry become strings: dates and times in ISO form, decimals and UUIDs as text, bytes as
// 'hex:…', and integers beyond ±2^53 (snapshot ids) as decimal strings, which JavaScript would otherwise round.
const PRELUDE = `
import json, os, sys, datetime, decimal, uuid
INPUT = json.loads(sys.stdin.read())
OUTPUT = None
def _default(o):
    if isinstance(o, (datetime.datetime, datetime.date, datetime.time)): return o.isoformat()
    if isinstance(o, (bytes, bytearray)): return 'hex:' + bytes(o).hex()
    return str(o)
def _clean(o):
    if isinstance(o, bool): return o
    if isinstance(o, int) and abs(o) > 2**53 - 1: return str(o)
    if isinstance(o, float) and o != o: return 'NaN'
    if isinstance(o, dict): return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return [_clean(v) for v in o]
    return o
`;
const EPILOGUE = `
with os.fdopen(3, 'w') as _out: json.dump(_clean(OUTPUT), _out, default=_default)
`;

function collect(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => (text += d));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}

/** Runs `snippet` (which reads INPUT and assigns OUTPUT) and resolves to OUTPUT. A Python error rejects with its traceback. */
export async function runPython<T = unknown>(snippet: string, input: unknown = null): Promise<T> {
  if (!existsSync(VENV_PYTHON)) {
    throw new CassbergError('PreconditionFailed', `no PyIceberg venv at ${VENV_PYTHON}: run scripts/bootstrap.sh`, { path: VENV_PYTHON });
  }
  const child = spawn(VENV_PYTHON, ['-c', `${PRELUDE}\n${snippet}\n${EPILOGUE}`], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  const [stdout, stderr, out] = [collect(child.stdout!), collect(child.stderr!), collect(child.stdio[3] as Readable)];
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  child.stdin!.end(JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  const code = await exited;
  if (code !== 0) {
    throw new CassbergError('Unexpected', `python exited with code ${code}: ${(await stderr).slice(-4000)}`, { stdout: (await stdout).slice(-1000) });
  }
  return JSON.parse(await out) as T;
}
