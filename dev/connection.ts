// Turns the config's Temporal section into connection options, shared by the client (Connection) and the worker
// (NativeConnection), which accept the same address/TLS/API-key shape.
import { readFileSync } from 'node:fs';
import type { CassbergConfig } from './config.ts';

export interface TemporalConnectionOptions {
  address: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
}

export function temporalConnectionOptions(config: CassbergConfig): TemporalConnectionOptions {
  const { address, tls, apiKey } = config.temporal;
  const options: TemporalConnectionOptions = { address };
  if (tls) {
    options.tls = {
      serverNameOverride: tls.serverNameOverride,
      serverRootCACertificate: tls.serverRootCACertFile ? readFileSync(tls.serverRootCACertFile) : undefined,
      clientCertPair: tls.clientCertFile && tls.clientKeyFile ? { crt: readFileSync(tls.clientCertFile), key: readFileSync(tls.clientKeyFile) } : undefined,
    };
  }
  // An API key implies TLS (Temporal Cloud); an empty tls object means "TLS with the system's roots".
  if (apiKey) {
    options.apiKey = apiKey;
    options.tls ??= {};
  }
  return options;
}
