/**
 * The done-means of schema conversion, through the real SDK client: Sakila (MySQL) loaded
 * into a fresh MariaDB database, then import -> assessment -> conversion -> export to a
 * fresh PostgreSQL database, waiting with the SDK's MetadataModel* waiters. The target must
 * hold every table, key and index; the assessment report (PDF and CSV zip) lists the 3
 * triggers, 3 procedures and 3 functions as manual work; an export as script writes a .sql
 * file; a conversion cancelled while IN_PROGRESS ends CANCELED.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CancelMetadataModelConversionCommand,
  CreateDataProviderCommand,
  CreateInstanceProfileCommand,
  CreateMigrationProjectCommand,
  DescribeMetadataModelCommand,
  DescribeMetadataModelConversionsCommand,
  DescribeMetadataModelExportsAsScriptCommand,
  ExportMetadataModelAssessmentCommand,
  GetTargetSelectionRulesCommand,
  StartMetadataModelAssessmentCommand,
  StartMetadataModelConversionCommand,
  StartMetadataModelExportAsScriptCommand,
  StartMetadataModelExportToTargetCommand,
  StartMetadataModelImportCommand,
  waitUntilMetadataModelAssessed,
  waitUntilMetadataModelConversionCancelled,
  waitUntilMetadataModelConverted,
  waitUntilMetadataModelExportedAsScript,
  waitUntilMetadataModelExportedToTarget,
  waitUntilMetadataModelImported,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import { splitStatements } from '../../src/schema-conversion/sql/tokenizer.js';
import { mariaDropDatabase, mariaExec, mariaQuery, pgCreateDatabase, pgDropDatabase, pgQuery, uniqueSuffix } from '../helpers/databases.js';
import { putLocalSecrets } from '../helpers/secrets.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const sakilaScript = readFileSync(new URL('../fixtures/sakila/mysql-sakila-schema.sql', import.meta.url), 'utf8');
const SOURCE_HOST = '127.0.0.1';
const TARGET_HOST = 'localhost';
const waitFast = (client: DatabaseMigrationServiceClient) => ({ client, minDelay: 1, maxDelay: 1, maxWaitTime: 120 });

const rules = (server: string, locator: Record<string, string>): string =>
  JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'server-name': server, ...locator }, 'rule-action': 'explicit' }] });

describe('schema conversion of Sakila, MariaDB -> PostgreSQL, through the SDK', () => {
  const suffix = uniqueSuffix();
  const mariaDb = `sakila_e2e_${suffix}`;
  const pgDb = `sakila_e2e_${suffix}`;
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  let projectArn: string;
  const project = `sakila-${suffix.replace(/_/g, '-')}`;
  const sourceRules = rules(SOURCE_HOST, { 'schema-name': mariaDb });

  before(async () => {
    // Into our own database: no DROP/CREATE/USE of `sakila` (other runs may use one), and the
    // view actor_info's qualified names pointed at ours.
    const script = sakilaScript.replace(/^(DROP SCHEMA IF EXISTS|CREATE SCHEMA|USE) sakila;$/gm, '').replace(/\bsakila\./g, `${mariaDb}.`);
    assert.doesNotMatch(script, /\bsakila\.|^(USE|DROP SCHEMA IF EXISTS) sakila/m, 'the script names no database sakila any more');
    await mariaExec(`CREATE DATABASE \`${mariaDb}\``);
    await mariaExec(splitStatements(script, 'mysql'), { database: mariaDb });
    await pgCreateDatabase(pgDb);
    server = await startTestServer();
    dms = server.client();
    // Secrets go to the local secret store of the server's data folder, as `opendms secrets put` does.
    putLocalSecrets(server.dataDir, { [`maria-${suffix}`]: { username: 'root', password: '' }, [`pg-${suffix}`]: { username: 'postgres', password: '' } });
    await dms.send(new CreateInstanceProfileCommand({ InstanceProfileName: `ip-${project}` }));
    await dms.send(new CreateDataProviderCommand({ DataProviderName: `src-${project}`, Engine: 'mariadb', Settings: { MariaDbSettings: { ServerName: SOURCE_HOST, Port: 3306, SslMode: 'none' } } }));
    await dms.send(new CreateDataProviderCommand({ DataProviderName: `tgt-${project}`, Engine: 'postgres', Settings: { PostgreSqlSettings: { ServerName: TARGET_HOST, Port: 5432, DatabaseName: pgDb, SslMode: 'none' } } }));
    const created = await dms.send(
      new CreateMigrationProjectCommand({
        MigrationProjectName: project,
        InstanceProfileIdentifier: `ip-${project}`,
        SourceDataProviderDescriptors: [{ DataProviderIdentifier: `src-${project}`, SecretsManagerSecretId: `maria-${suffix}` }],
        TargetDataProviderDescriptors: [{ DataProviderIdentifier: `tgt-${project}`, SecretsManagerSecretId: `pg-${suffix}` }],
        SchemaConversionApplicationAttributes: { S3BucketPath: `s3://opendms-e2e/${project}` },
      }),
    );
    projectArn = created.MigrationProject!.MigrationProjectArn!;
  });
  after(async () => {
    await server?.stop();
    await mariaDropDatabase(mariaDb);
    await pgDropDatabase(pgDb);
  });

  it('imports, assesses, converts and exports Sakila to PostgreSQL with every table, key and index', async () => {
    const imp = await dms.send(new StartMetadataModelImportCommand({ MigrationProjectIdentifier: projectArn, SelectionRules: sourceRules, Origin: 'SOURCE' }));
    await waitUntilMetadataModelImported(waitFast(dms), { MigrationProjectIdentifier: projectArn, Filters: [{ Name: 'request-id', Values: [imp.RequestIdentifier!] }] });

    const assess = await dms.send(new StartMetadataModelAssessmentCommand({ MigrationProjectIdentifier: project, SelectionRules: sourceRules }));
    await waitUntilMetadataModelAssessed(waitFast(dms), { MigrationProjectIdentifier: projectArn, Filters: [{ Name: 'request-id', Values: [assess.RequestIdentifier!] }] });

    // The assessment report: PDF and CSV zip in the project's S3 location (the local results folder).
    const report = await dms.send(new ExportMetadataModelAssessmentCommand({ MigrationProjectIdentifier: projectArn, SelectionRules: sourceRules, FileName: 'sakila-assessment' }));
    assert.equal(report.PdfReport?.S3ObjectKey, `${project}/sakila-assessment.pdf`);
    assert.equal(report.CsvReport?.S3ObjectKey, `${project}/sakila-assessment.zip`);
    const pdf = readFileSync(fileURLToPath(report.PdfReport!.ObjectURL!));
    const zip = readFileSync(fileURLToPath(report.CsvReport!.ObjectURL!));
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal(zip.readUInt32LE(0), 0x04034b50, 'the CSV report is a zip');
    const csvText = zip.toString('utf8');
    const manualWork = {
      trigger: ['ins_film', 'upd_film', 'del_film'],
      procedure: ['rewards_report', 'film_in_stock', 'film_not_in_stock'],
      function: ['get_customer_balance', 'inventory_held_by_customer', 'inventory_in_stock'],
    };
    for (const [type, names] of Object.entries(manualWork)) {
      for (const name of names) {
        const line = csvText.split(/\r?\n/).find((l) => l.includes(name) && new RegExp(`\\b${type}\\b`, 'i').test(l));
        assert.ok(line, `the CSV report lists ${type} ${name}`);
        assert.match(line, /manual/i, `${type} ${name} needs manual work: ${line}`);
        assert.ok(pdf.includes(name), `the PDF report names ${type} ${name}`);
      }
    }

    const conv = await dms.send(new StartMetadataModelConversionCommand({ MigrationProjectIdentifier: projectArn, SelectionRules: sourceRules }));
    await waitUntilMetadataModelConverted(waitFast(dms), { MigrationProjectIdentifier: projectArn, Filters: [{ Name: 'request-id', Values: [conv.RequestIdentifier!] }] });

    // The source tree points at the converted table.
    const film = await dms.send(new DescribeMetadataModelCommand({ MigrationProjectIdentifier: projectArn, SelectionRules: rules(SOURCE_HOST, { 'schema-name': mariaDb, 'table-name': 'film' }), Origin: 'SOURCE' }));
    assert.equal(film.MetadataModelName, 'film');
    assert.match(film.Definition ?? '', /CREATE TABLE/i);
    assert.equal(film.TargetMetadataModels?.length, 1);
    const targetRules = (await dms.send(new GetTargetSelectionRulesCommand({ MigrationProjectIdentifier: projectArn, SelectionRules: sourceRules }))).TargetSelectionRules!;
    const targetLocator = (JSON.parse(targetRules) as { rules: { 'object-locator': Record<string, string> }[] }).rules[0]!['object-locator'];
    assert.equal(targetLocator['server-name'], TARGET_HOST);
    const targetSchema = targetLocator['schema-name']!;

    // Export as script: one .sql file.
    const script = await dms.send(new StartMetadataModelExportAsScriptCommand({ MigrationProjectIdentifier: projectArn, SelectionRules: targetRules, Origin: 'TARGET', FileName: 'sakila' }));
    await waitUntilMetadataModelExportedAsScript(waitFast(dms), { MigrationProjectIdentifier: projectArn, Filters: [{ Name: 'request-id', Values: [script.RequestIdentifier!] }] });
    const described = await dms.send(new DescribeMetadataModelExportsAsScriptCommand({ MigrationProjectIdentifier: projectArn, Filters: [{ Name: 'request-id', Values: [script.RequestIdentifier!] }] }));
    const details = described.Requests![0]!.ExportSqlDetails!;
    assert.equal(details.S3ObjectKey, `${project}/sakila.sql`);
    const sql = readFileSync(fileURLToPath(details.ObjectURL!), 'utf8');
    assert.equal((sql.match(/CREATE TABLE/gi) ?? []).length, 16, 'the script creates the 16 tables');

    // Export to target, then compare the target's catalog with the source's.
    const exp = await dms.send(new StartMetadataModelExportToTargetCommand({ MigrationProjectIdentifier: projectArn, SelectionRules: targetRules }));
    await waitUntilMetadataModelExportedToTarget(waitFast(dms), { MigrationProjectIdentifier: projectArn, Filters: [{ Name: 'request-id', Values: [exp.RequestIdentifier!] }] });

    const srcTables = (await mariaQuery<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY 1`, [mariaDb])).map((r) => r.t.toLowerCase());
    const tgtTables = (await pgQuery<{ t: string }>(pgDb, `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1`, [targetSchema])).map((r) => r.t);
    assert.equal(srcTables.length, 16);
    assert.deepEqual(tgtTables, srcTables);
    const srcKeys = await mariaQuery<{ k: string; n: number }>(
      `SELECT constraint_type AS k, count(*) AS n FROM information_schema.table_constraints WHERE table_schema = ? AND constraint_type IN ('PRIMARY KEY','UNIQUE','FOREIGN KEY') GROUP BY 1 ORDER BY 1`,
      [mariaDb],
    );
    const tgtKeys = await pgQuery<{ k: string; n: string }>(
      pgDb,
      `SELECT constraint_type AS k, count(*) AS n FROM information_schema.table_constraints WHERE table_schema = $1 AND constraint_type IN ('PRIMARY KEY','UNIQUE','FOREIGN KEY') GROUP BY 1 ORDER BY 1`,
      [targetSchema],
    );
    assert.deepEqual(tgtKeys.map((r) => `${r.k}:${r.n}`), srcKeys.map((r) => `${r.k}:${Number(r.n)}`));
    // Every secondary index of the source exists in the target (FULLTEXT ones as GIN indexes
    // over to_tsvector, checked below).
    const srcIndexes = await mariaQuery<{ t: string; i: string }>(
      `SELECT DISTINCT table_name AS t, index_name AS i FROM information_schema.statistics WHERE table_schema = ? AND index_name <> 'PRIMARY' AND index_type <> 'FULLTEXT'
       AND (table_name, index_name) NOT IN (SELECT table_name, constraint_name FROM information_schema.table_constraints WHERE table_schema = ? AND constraint_type = 'UNIQUE')`,
      [mariaDb, mariaDb],
    );
    const tgtIndexedColumns = await pgQuery<{ t: string; d: string }>(pgDb, `SELECT tablename AS t, indexdef AS d FROM pg_indexes WHERE schemaname = $1`, [targetSchema]);
    assert.ok(srcIndexes.length >= 10, `Sakila has secondary indexes (${srcIndexes.length})`);
    for (const ix of srcIndexes) {
      const cols = await mariaQuery<{ c: string }>(`SELECT column_name AS c FROM information_schema.statistics WHERE table_schema = ? AND table_name = ? AND index_name = ? ORDER BY seq_in_index`, [mariaDb, ix.t, ix.i]);
      const want = cols.map((c) => c.c.toLowerCase()).join(', ');
      assert.ok(
        tgtIndexedColumns.some((x) => x.t === ix.t.toLowerCase() && x.d.replace(/"/g, '').toLowerCase().includes(`(${want})`)),
        `index ${ix.t}.${ix.i} (${want}) exists in the target`,
      );
    }
    const fulltext = await mariaQuery<{ t: string }>(`SELECT DISTINCT table_name AS t FROM information_schema.statistics WHERE table_schema = ? AND index_type = 'FULLTEXT'`, [mariaDb]);
    assert.ok(fulltext.length > 0, 'Sakila has a FULLTEXT index (film_text)');
    for (const f of fulltext) {
      assert.ok(
        tgtIndexedColumns.some((x) => x.t === f.t.toLowerCase() && /USING gin \(to_tsvector\(/.test(x.d)),
        `the FULLTEXT index of ${f.t} exists as a GIN index over to_tsvector: ${JSON.stringify(tgtIndexedColumns.filter((x) => x.t === f.t.toLowerCase()))}`,
      );
    }
  });

  it('cancels a conversion while it is IN_PROGRESS: it ends CANCELED', async () => {
    const { RequestIdentifier: id } = await dms.send(new StartMetadataModelConversionCommand({ MigrationProjectIdentifier: projectArn, SelectionRules: sourceRules }));
    const byId = { MigrationProjectIdentifier: projectArn, Filters: [{ Name: 'request-id', Values: [id!] }] };
    for (let i = 0; ; i++) {
      const status = (await dms.send(new DescribeMetadataModelConversionsCommand(byId))).Requests![0]!.Status;
      if (status === 'IN_PROGRESS') break;
      assert.equal(status, 'RECEIVED', 'the conversion is still queued or running');
      assert.ok(i < 500, 'the conversion starts');
      await new Promise((r) => setTimeout(r, 5));
    }
    const cancelled = await dms.send(new CancelMetadataModelConversionCommand({ MigrationProjectIdentifier: projectArn, RequestIdentifier: id }));
    assert.equal(cancelled.Request?.Status, 'CANCELING');
    assert.equal(cancelled.Request?.RequestIdentifier, id);
    assert.equal(cancelled.Request?.MigrationProjectArn, projectArn);
    await waitUntilMetadataModelConversionCancelled(waitFast(dms), byId);
    assert.equal((await dms.send(new DescribeMetadataModelConversionsCommand(byId))).Requests![0]!.Status, 'CANCELED');
  });
});
