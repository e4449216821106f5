// Backup scenarios on a real S3 server (MinIO from test/harness/s3.ts), where listings carry ETags so Medusa's MD5s
// are compared too. The same scenarios run on local disk in layouts-local.test.ts.

import { after, before, describe } from 'node:test';
import { createS3Client, S3ObjectStore } from '../../../engine/storage/s3.ts';
import { startS3, type S3Server } from '../../harness/s3.ts';
import { backupScenarios } from './scenarios.ts';

describe('backup layouts on MinIO', () => {
  let s3: S3Server;
  before(async () => {
    s3 = await startS3();
  });
  after(() => s3?.stop());
  backupScenarios(async () => {
    const bucket = await s3.newBucket('backups');
    const client = createS3Client({ endpoint: s3.endpoint, region: s3.region, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    return { store: new S3ObjectStore(client, bucket), root: 'tenant-a/prod', hasEtags: true };
  });
});
