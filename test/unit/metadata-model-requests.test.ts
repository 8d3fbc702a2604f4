/**
 * The metadata-model request machinery without a server: the lifecycle of the runner on a
 * real store (success, failure, cancel, restart recovery), the conversion worker thread, and
 * the small pure helpers (rule locators, report selection, script rendering).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidResourceStateFault, ResourceNotFoundFault } from '../../src/api/generated/errors.js';
import { createLogger } from '../../src/common/logger.js';
import type { ControlDeps } from '../../src/control/deps.js';
import type { ProjectContext, ProjectView } from '../../src/control/migration-projects/project-context.js';
import { runConversionInThread } from '../../src/control/metadata-models/conversion-thread.js';
import { renderScript } from '../../src/control/metadata-models/export-script-work.js';
import { mergeReport, reportFor } from '../../src/control/metadata-models/model-objects.js';
import type { MetadataRequestRecord, RequestKind } from '../../src/control/metadata-models/record.js';
import { interruptedMessage } from '../../src/control/metadata-models/request-lifecycle.js';
import { RequestFailure, RequestRunner, type RequestWork } from '../../src/control/metadata-models/request-runner.js';
import { creationSchema, schemasNamed, selectsStatements } from '../../src/control/metadata-models/rule-locators.js';
import { parseSelectionRules, type ObjectReport, type SchemaModel } from '../../src/schema-conversion/index.js';
import { ResourceRepository } from '../../src/store/resource-repository.js';
import { Store } from '../../src/store/store.js';

const scope = { account: '123456789012', region: 'us-east-1' };
const project: ProjectView = {
  arn: 'arn:aws:dms:us-east-1:123456789012:migration-project:PROJ',
  name: 'proj',
  scope,
  source: { arn: 'arn:src', name: 'src', engine: 'mariadb', serverName: 'src.example.com' },
  target: { arn: 'arn:tgt', name: 'tgt', engine: 'postgres', serverName: 'tgt.example.com' },
  conversionConfiguration: '{}',
};
const projects: ProjectContext = {
  project: () => project,
  projectByArn: (arn) => (arn === project.arn ? project : undefined),
  connection: () => ({ ok: false, message: 'no database in unit tests' }),
};

/** Waits until `check` holds, polling the store; fails after 10 s. */
async function until<T>(what: string, get: () => T, check: (v: T) => boolean): Promise<T> {
  const end = Date.now() + 10_000;
  for (;;) {
    const v = get();
    if (check(v)) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function tinyMysqlModel(tables: number): SchemaModel {
  return {
    dialect: 'mysql',
    schemas: [
      {
        name: 'shop',
        tables: Array.from({ length: tables }, (_, i) => ({
          name: `t${i}`,
          columns: [
            { name: 'id', type: { kind: 'int', bytes: 4, unsigned: true }, nativeType: 'int unsigned', nullable: false, identity: { kind: 'auto-increment' } },
            { name: 'name', type: { kind: 'varchar', length: 40 }, nativeType: 'varchar(40)', nullable: true },
          ],
          primaryKey: { columns: ['id'] },
          uniqueKeys: [],
          foreignKeys: [],
          checks: [],
          indexes: [],
        })),
        views: [],
        sequences: [],
        enumTypes: [],
        routines: [],
        triggers: [],
      },
    ],
  } as unknown as SchemaModel;
}

describe('metadata model request runner', () => {
  let dir: string;
  let store: Store;
  let repo: ResourceRepository<MetadataRequestRecord>;
  let deps: ControlDeps;
  const committed: string[] = [];
  const works: Record<RequestKind, RequestWork> = {
    import: async () => ({ commit: () => committed.push('import'), notes: ['ok'] }),
    assessment: async () => {
      throw new RequestFailure('the source said no');
    },
    // Runs until cancelled.
    conversion: (ctx) =>
      new Promise((_resolve, reject) => {
        ctx.progress({ percent: 10, totalObjects: 3 });
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      }),
    'export-script': async () => ({ exportSql: { key: 'p/x.sql', url: 'file:///x.sql' } }),
    'export-target': async () => ({}),
    creation: async () => ({ commit: () => committed.push('creation') }),
    'extension-pack': async () => ({}),
  };
  let runner: RequestRunner;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'opendms-mm-unit-'));
    store = new Store(dir);
    repo = new ResourceRepository<MetadataRequestRecord>(store, 'metadata-model-request');
    deps = { store, clock: { now: () => new Date() }, log: createLogger('silent') } as unknown as ControlDeps;
    runner = new RequestRunner(deps, repo, projects, works);
  });
  after(async () => {
    await runner.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers RECEIVED at once, then ends SUCCESS and commits the work', async () => {
    const r = runner.start(scope, project, 'import', { selectionRules: '{}', origin: 'SOURCE' });
    assert.equal(r.status, 'RECEIVED');
    assert.equal(committed.includes('import'), false);
    const done = await until('import success', () => repo.get(r.arn)!, (x) => x.status === 'SUCCESS');
    assert.deepEqual(done.notes, ['ok']);
    assert.equal(done.progress, undefined);
    assert.ok(committed.includes('import'));
    const es = runner.start(scope, project, 'export-script', {});
    const exported = await until('export success', () => repo.get(es.arn)!, (x) => x.status === 'SUCCESS');
    assert.deepEqual(exported.exportSql, { key: 'p/x.sql', url: 'file:///x.sql' });
  });

  it('ends FAILED with the work\'s message', async () => {
    const r = runner.start(scope, project, 'assessment', {});
    const done = await until('assessment failure', () => repo.get(r.arn)!, (x) => x.status === 'FAILED');
    assert.equal(done.errorMessage, 'the source said no');
  });

  it('cancels a running conversion: CANCELING, then CANCELED; a finished one cannot be cancelled', async () => {
    const r = runner.start(scope, project, 'conversion', {});
    const running = await until('conversion running', () => repo.get(r.arn)!, (x) => x.status === 'IN_PROGRESS' && x.progress?.percent === 10);
    assert.equal(running.progress?.totalObjects, 3);
    const canceling = runner.cancel(scope, project.arn, r.requestId, 'conversion');
    assert.equal(canceling.status, 'CANCELING');
    await until('conversion cancelled', () => repo.get(r.arn)!, (x) => x.status === 'CANCELED');
    assert.throws(() => runner.cancel(scope, project.arn, r.requestId, 'conversion'), (e: unknown) => e instanceof InvalidResourceStateFault && /CANCELED/.test(e.message));
    assert.throws(() => runner.cancel(scope, project.arn, 'no-such-request', 'conversion'), ResourceNotFoundFault);
    const imp = runner.list(scope, project.arn, 'import')[0]!;
    assert.throws(() => runner.cancel(scope, project.arn, imp.requestId, 'conversion'), ResourceNotFoundFault, 'an import is not a conversion');
  });

  it('cancels a creation before it ran: nothing is committed', async () => {
    const r = runner.start(scope, project, 'creation', {});
    assert.equal(runner.cancel(scope, project.arn, r.requestId, 'creation').status, 'CANCELING');
    await until('creation cancelled', () => repo.get(r.arn)!, (x) => x.status === 'CANCELED');
    assert.equal(committed.includes('creation'), false);
  });

  it('settles requests a restart interrupted: FAILED, or CANCELED when they were being cancelled', () => {
    const at = new Date().toISOString();
    const base = { kind: 'conversion' as const, projectArn: project.arn, input: {}, createdAt: at, updatedAt: at };
    for (const [id, status] of [['r1', 'RECEIVED'], ['r2', 'IN_PROGRESS'], ['r3', 'CANCELING'], ['r4', 'SUCCESS']] as const) {
      repo.insert(scope, { ...base, arn: `arn:test:${id}`, identifier: id, requestId: id, status });
    }
    const other = new RequestRunner(deps, repo, projects, works);
    assert.equal(other.recover(), 3);
    assert.equal(repo.get('arn:test:r1')!.status, 'FAILED');
    assert.equal(repo.get('arn:test:r2')!.errorMessage, interruptedMessage);
    assert.equal(repo.get('arn:test:r3')!.status, 'CANCELED');
    assert.equal(repo.get('arn:test:r4')!.status, 'SUCCESS');
  });
});

describe('conversion worker thread', () => {
  it('converts a model off the main thread', async () => {
    const out = await runConversionInThread({ source: tinyMysqlModel(3), statements: [], targetEngine: 'postgres' }, new AbortController().signal);
    assert.equal(out.conversion.model.dialect, 'postgres');
    assert.deepEqual(out.conversion.model.schemas[0]!.tables.map((t) => t.name), ['t0', 't1', 't2']);
  });

  it('stops at once when the signal aborts, with the signal\'s reason', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runConversionInThread({ source: tinyMysqlModel(20_000), statements: [], targetEngine: 'postgres' }, controller.signal);
    setTimeout(() => controller.abort(new Error('cancelled by test')), 50);
    await assert.rejects(run, /cancelled by test/);
    assert.ok(Date.now() - started < 5_000);
  });
});

describe('metadata model helpers', () => {
  const rules = (json: object) => parseSelectionRules(JSON.stringify(json), 'SelectionRules');
  const rule = (id: number, action: string, locator: object) => ({ 'rule-type': 'selection', 'rule-id': String(id), 'rule-name': String(id), 'rule-action': action, 'object-locator': locator });

  it('finds the schemas an import must read', () => {
    const r = rules({ rules: [rule(1, 'include', { 'server-name': 'SRC.example.com', 'schema-name': 'sak%' }), rule(2, 'explicit', { 'server-name': 'src.example.com', 'schema-name': 'shop', 'table-name': 'orders' }), rule(3, 'exclude', { 'server-name': 'src.example.com', 'schema-name': 'sakila_old' })] });
    assert.deepEqual(schemasNamed(r, 'src.example.com', ['sakila', 'sakila_old', 'shop', 'other']), ['sakila', 'shop']);
    assert.deepEqual(schemasNamed(r, 'another.host', ['sakila']), []);
  });

  it('places a statement under exactly one schema, and selects statements with whole-schema rules', () => {
    assert.deepEqual(creationSchema(rules({ rules: [rule(1, 'explicit', { 'server-name': 's', 'schema-name': 'shop' })] })), { schema: 'shop', server: 's' });
    assert.ok('error' in creationSchema(rules({ rules: [rule(1, 'explicit', { 'server-name': 's', 'schema-name': 'shop', 'table-name': 'x' })] })));
    const r = rules({ rules: [rule(1, 'include', { 'server-name': 's', 'schema-name': '%' }), rule(2, 'exclude', { 'server-name': 's', 'schema-name': 'tmp' })] });
    assert.equal(selectsStatements(r, 's', 'shop'), true);
    assert.equal(selectsStatements(r, 's', 'tmp'), false);
    assert.equal(selectsStatements(rules({ rules: [rule(1, 'explicit', { 'server-name': 's', 'schema-name': 'shop', 'table-name': 'x' })] }), 's', 'shop'), false);
  });

  it('keeps the report lines of the selected objects and replaces an object\'s lines on merge', () => {
    const line = (objectType: ObjectReport['objectType'], name: string, table?: string, status: ObjectReport['status'] = 'converted'): ObjectReport => ({ objectType, schema: 'shop', name, ...(table ? { table } : {}), status, issues: [] });
    const report = [line('table', 't0'), line('column', 'id', 't0'), line('table', 't1'), line('index', 'ix', 't1')];
    const selected = tinyMysqlModel(1);
    assert.deepEqual(reportFor(report, selected).map((r) => r.name), ['t0', 'id']);
    const merged = mergeReport(report, [line('table', 't1', undefined, 'manual')]);
    assert.deepEqual(merged.map((r) => `${r.name}:${r.status}`), ['t0:converted', 'id:converted', 't1:manual']);
  });

  it('renders a script a client can run: terminators, DELIMITER around MySQL bodies', () => {
    const script = renderScript('mysql', [
      { objectType: 'table', schema: 'shop', name: 't', sql: 'CREATE TABLE t (a int, b varchar(3) DEFAULT \';\')' },
      { objectType: 'procedure', schema: 'shop', name: 'p', sql: 'CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END' },
    ], [], 'test');
    assert.match(script, /CREATE TABLE t \(a int, b varchar\(3\) DEFAULT ';'\);\n/);
    assert.match(script, /DELIMITER \$\$\nCREATE PROCEDURE p\(\) BEGIN SELECT 1; SELECT 2; END\$\$\nDELIMITER ;/);
    const pg = renderScript('postgres', [{ objectType: 'function', schema: 's', name: 'f', sql: 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql' }], [], 'pg');
    assert.match(pg, /LANGUAGE sql;\n/);
    assert.doesNotMatch(pg, /DELIMITER/);
  });
});
