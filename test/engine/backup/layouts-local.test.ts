// Backup scenarios on the local-disk ObjectStore (the S3 run is layouts-s3.test.ts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';
import { backupScenarios } from './scenarios.ts';

describe('backup layouts on local disk', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  backupScenarios(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cassberg-backup-'));
    dirs.push(dir);
    return { store: new LocalObjectStore(dir), root: 'backups/prod', hasEtags: false };
  });
});
