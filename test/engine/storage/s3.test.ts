// S3ObjectStore on a real MinIO server (test/harness/s3.ts); the scenarios are in s3-scenarios.ts.

import { after, before, describe } from 'node:test';
import { startS3, type S3Server } from '../../harness/s3.ts';
import { s3StoreScenarios } from './s3-scenarios.ts';

describe('S3 object store on MinIO', () => {
  let s3: S3Server;
  before(async () => {
    s3 = await startS3();
  });
  after(() => s3?.stop());
  s3StoreScenarios(() => s3);
});
