#!/usr/bin/env node
// Entry for `npx cassberg`: runs client.ts through tsx's loader, so no build step is needed. On a fresh clone
// it installs the pinned npm dependencies first (npm install with the committed lockfile), so the README's first command works as it stands.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
if (!existsSync(join(root, 'node_modules', 'tsx'))) {
  console.error('cassberg: installing npm dependencies (npm install with the committed lockfile)…');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const { register } = await import(pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'esm', 'api', 'index.mjs')).href);
register();
await import(pathToFileURL(join(root, 'client.ts')).href);
