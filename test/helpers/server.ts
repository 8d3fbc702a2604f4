/**
 * Starts OpenDMS in-process on a free port with its own temporary data folder, and builds
 * real AWS SDK clients against it. Every test file gets its own server, so files run in
 * parallel without sharing state.
 */
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/common/logger.js';

export interface TestServer {
  readonly url: string;
  readonly dataDir: string;
  readonly app: App;
  /** A real SDK client; the access key id, when 12 digits, is the account. */
  client(opts?: { region?: string; accessKeyId?: string; secretAccessKey?: string }): DatabaseMigrationServiceClient;
  stop(): Promise<void>;
}

export async function startTestServer(opts: { args?: string[]; dataDir?: string; keepDataDir?: boolean } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'opendms-test-'));
  const config = loadConfig(['--port', '0', '--data-dir', dataDir, '--provisioning-delay-ms', '200', ...(opts.args ?? [])], {});
  const app = await startApp(config, { log: createLogger(process.env.OPENDMS_TEST_LOG === '1' ? 'debug' : 'silent') });
  const clients: DatabaseMigrationServiceClient[] = [];
  return {
    url: app.url,
    dataDir,
    app,
    client: (c = {}) => {
      const client = new DatabaseMigrationServiceClient({
        endpoint: app.url,
        region: c.region ?? 'us-east-1',
        credentials: { accessKeyId: c.accessKeyId ?? '123456789012', secretAccessKey: c.secretAccessKey ?? 'test-secret' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    stop: async () => {
      for (const c of clients) c.destroy();
      await app.stop();
      if (!opts.keepDataDir && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Unique, identifier-safe names per test run, so parallel files never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The error an SDK command fails with, for asserting its name and message; fails the test when the command succeeds. */
export async function failure(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

/** Fails the test unless the command fails with the fault `name` and a message matching `message`. */
export async function expectFault(p: Promise<unknown>, name: string, message: RegExp): Promise<void> {
  const err = await failure(p);
  if (err.name !== name) throw new Error(`expected ${name}, got ${err.name}: ${err.message}`);
  if (!message.test(err.message)) throw new Error(`the ${name} message does not match ${message}: ${err.message}`);
}
