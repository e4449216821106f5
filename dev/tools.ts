// Where scripts/bootstrap.sh puts the tools: one cache outside the clone, shared by every checkout.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE_DIR = process.env.CASSBERG_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cassberg');

export const tools = {
  temporal: join(CACHE_DIR, 'bin', 'temporal'),
  minio: join(CACHE_DIR, 'bin', 'minio'),
  /** cassandra-all and its runtime jars in lib/ (run by scripts/cassandra/cassandra.sh, which holds the conf templates). */
  cassandraHome: join(CACHE_DIR, 'cassandra'),
  python: join(CACHE_DIR, 'venv', 'bin', 'python'),
  java: process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java',
} as const;
