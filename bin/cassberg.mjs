#!/usr/bin/env node
// Entry for `npx cassberg`: runs client.ts through tsx's loader so no build step is needed.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

register();
const root = dirname(dirname(fileURLToPath(import.meta.url)));
await import(join(root, 'client.ts'));
