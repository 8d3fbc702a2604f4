/**
 * The catalog of premigration assessments: DMS's names only (NOTES.md §5), each engine's
 * checks only for that engine, CDC-only checks only for migration types that capture.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applicableAssessments, assessmentNames } from '../../src/assessment/index.js';

/** DMS's keys for a MySQL / Aurora MySQL source (docs/…/NOTES.md §5). */
const dmsMysql = new Set(
  'binlog-compression replication-privileges select-privileges server-id target-privileges expire-logs-days table-storage-engine auto-increment binlog-image database-role table-partition supported-version target-localinfile-set fk-target cascade-constraints target-network-parameter max-statement-time batch-apply-target-pk-ui-absence batch-apply-target-pk-ui-simultaneously secondary-indexes pk-validity aurora-read-only binlog-retention-time invisible-columns binlog-format generated-columns skip-table-suspension-partition-ddl max-allowed-packet-lob 10k-tables binlog-enabled source-replica'
    .split(' ')
    .map((n) => `mysql-check-${n}`),
);
/** DMS's keys for a MariaDB source. */
const dmsMariadb = new Set(
  'server-id expire-logs-days binlog-compression replication-privileges select-privileges target-privileges table-storage-engine auto-increment binlog-format binlog-image database-role table-partition supported-version target-localinfile-set fk-target cascade-constraints generated-columns source-network-parameter target-network-parameter max-statement-time batch-apply-target-pk-ui-absence batch-apply-target-pk-ui-simultaneously secondary-indexes pk-validity binlog-retention-time invisible-columns skip-table-suspension-partition-ddl'
    .split(' ')
    .map((n) => `mariadb-check-${n}`),
);
const dmsPostgres = new Set(
  'ddl-event-trigger postgis-data-type session-replication-role similar-table-name table-with-array batch-apply-target-pk-ui-absence target-secondary-indexes dbversion for-logical-decoding-work-mem longrunningtxn maxslot-wal-keep-size maxwalsenders pglogical pk-lob pk preparedtxn walsenderstimeout wallevel batch-apply-target-pk-ui-simultaneously limited-lob-size pk-validity target-privileges replication-slots-count select-object-privileges'
    .split(' ')
    .map((n) => `postgres-check-${n}`),
);
const generic = [
  'unsupported-data-types-in-source',
  'full-lob-not-nullable-at-target',
  'table-with-lob-but-without-primary-key-or-unique-constraint',
  'table-with-no-primary-key-or-unique-constraint',
  'target-table-has-unique-key-or-primary-key-for-cdc',
  'all-check-source-selection-rules',
  'all-check-secondary-constraints',
];
const cdcOnly = ['table-with-no-primary-key-or-unique-constraint', 'target-table-has-unique-key-or-primary-key-for-cdc', 'postgres-check-wallevel', 'postgres-check-replication-slots-count', 'mariadb-check-binlog-format', 'mysql-check-binlog-enabled'];

describe('assessment catalog', () => {
  it('lists every name once, sorted, each one a DMS API key', () => {
    const names = assessmentNames();
    assert.deepEqual(names, [...names].sort());
    assert.equal(new Set(names).size, names.length);
    for (const n of names) {
      const known = generic.includes(n) || dmsMysql.has(n) || dmsMariadb.has(n) || dmsPostgres.has(n);
      assert.ok(known, `${n} is not a DMS individual assessment name`);
    }
    for (const g of generic) assert.ok(names.includes(g), g);
    for (const prefix of ['postgres-check-', 'mysql-check-', 'mariadb-check-']) {
      const n = names.filter((x) => x.startsWith(prefix)).length;
      assert.ok(n >= 12, `${prefix}*: ${n} checks, at least 12 expected`);
    }
  });

  it('gives a PostgreSQL source the postgres checks and CDC checks only to capturing tasks', () => {
    const full = applicableAssessments('postgres', 'postgres', 'full-load');
    const cdc = applicableAssessments('aurora-postgresql', 'postgres', 'full-load-and-cdc');
    assert.deepEqual(full, [...full].sort());
    for (const n of [...generic.filter((g) => !cdcOnly.includes(g)), 'postgres-check-dbversion', 'postgres-check-select-object-privileges', 'postgres-check-target-privileges', 'postgres-check-target-secondary-indexes']) {
      assert.ok(full.includes(n), `${n} applies to a full load`);
    }
    for (const n of cdcOnly.filter((c) => !c.startsWith('m'))) {
      assert.ok(!full.includes(n), `${n} is for CDC only`);
      assert.ok(cdc.includes(n), `${n} applies to full-load-and-cdc`);
    }
    assert.ok(!cdc.some((n) => n.startsWith('mysql-') || n.startsWith('mariadb-')));
    // The target secondary-index check is about full loads; a cdc task loads nothing.
    assert.ok(!applicableAssessments('postgres', 'postgres', 'cdc').includes('postgres-check-target-secondary-indexes'));
    // Target privileges of PostgreSQL are asked of a PostgreSQL target only.
    assert.ok(!applicableAssessments('postgres', 'mariadb', 'full-load').includes('postgres-check-target-privileges'));
  });

  it('names MySQL and MariaDB checks after the source engine, with the names DMS has for each', () => {
    const maria = applicableAssessments('mariadb', 'postgres', 'full-load-and-cdc');
    assert.ok(maria.includes('mariadb-check-binlog-format'));
    assert.ok(!maria.some((n) => n.startsWith('mysql-')));
    assert.ok(!maria.includes('mariadb-check-binlog-enabled'), 'DMS has no mariadb-check-binlog-enabled');
    for (const engine of ['mysql', 'aurora', 'aurora-serverless']) {
      const mysql = applicableAssessments(engine, 'mysql', 'cdc');
      assert.ok(mysql.includes('mysql-check-binlog-enabled'), engine);
      assert.ok(!mysql.some((n) => n.startsWith('mariadb-')), engine);
    }
    // Cloud SQL for MySQL is not on DMS's MySQL assessments page: generic checks only.
    assert.ok(!applicableAssessments('gcp-mysql', 'postgres', 'cdc').some((n) => n.startsWith('mysql-')));
    assert.ok(applicableAssessments('gcp-mysql', 'postgres', 'cdc').includes('table-with-no-primary-key-or-unique-constraint'));
  });

  it('asks target-side MySQL checks only of a MySQL-family target', () => {
    assert.ok(applicableAssessments('mariadb', 'mariadb', 'full-load').includes('mariadb-check-target-localinfile-set'));
    assert.ok(applicableAssessments('mysql', 'aurora', 'full-load').includes('mysql-check-target-localinfile-set'));
    assert.ok(!applicableAssessments('mariadb', 'postgres', 'full-load').includes('mariadb-check-target-localinfile-set'));
    assert.ok(!applicableAssessments('mariadb', 'mariadb', 'cdc').includes('mariadb-check-target-localinfile-set'), 'LOAD DATA is the full load only');
    assert.ok(!applicableAssessments('mysql', 'postgres', 'cdc').includes('mysql-check-target-privileges'));
    assert.ok(applicableAssessments('mysql', 'mariadb', 'cdc').includes('mysql-check-target-privileges'));
  });

  it('has nothing for engines OpenDMS cannot reach', () => {
    assert.deepEqual(applicableAssessments('oracle', 'postgres', 'full-load'), []);
    assert.deepEqual(applicableAssessments('postgres', 's3', 'full-load'), []);
  });
});
