/** The Markdown report of an assessment run, and the pure pieces the checks decide with. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReport, type IndividualResult } from '../../src/assessment/index.js';
import { grantsOf } from '../../src/assessment/checks/mysql/mysql-grants.js';
import { approximation } from '../../src/assessment/checks/generic/unsupported-data-types.js';

const times = { startedAt: '2024-01-01T00:00:00.000Z', finishedAt: '2024-01-01T00:00:01.000Z' };
const meta = { runName: 'before-cutover', runArn: 'arn:aws:dms:us-east-1:000000000000:assessment-run:ABC', taskIdentifier: 'orders-task', status: 'warning', startedAt: '2024-01-01T00:00:00.000Z' };

describe('assessment report', () => {
  it('lists every assessment, then what to change for those that did not pass', () => {
    const results: IndividualResult[] = [
      { name: 'postgres-check-wallevel', status: 'failed', summary: 'wal_level is replica, but change data capture needs logical.', advice: 'Set wal_level = logical.', findings: [{ object: 'wal_level', detail: 'replica (needs logical)' }], ...times },
      { name: 'table-with-no-primary-key-or-unique-constraint', status: 'warning', summary: 'A | pipe and\na newline.', advice: 'Add keys.', findings: [{ object: 'app.t', detail: 'no key' }], ...times },
      { name: 'postgres-check-longrunningtxn', status: 'error', summary: 'The assessment could not be completed: no privilege.', findings: [], ...times },
      { name: 'postgres-check-dbversion', status: 'passed', summary: 'The source runs PostgreSQL 15.4.', findings: [{ object: 'server_version', detail: '15.4' }], ...times },
      { name: 'postgres-check-pk', status: 'cancelled', summary: 'The assessment run was cancelled.', findings: [], ...times },
    ];
    const md = renderReport(meta, results);
    assert.match(md, /^# Premigration assessment run before-cutover\n/);
    assert.match(md, /\| Run \| arn:aws:dms:us-east-1:000000000000:assessment-run:ABC \|/);
    assert.match(md, /\| Replication task \| orders-task \|/);
    assert.match(md, /5 individual assessments: 1 failed, 1 warning, 1 error, 1 cancelled, 1 passed\./);
    assert.match(md, /\| `table-with-no-primary-key-or-unique-constraint` \| warning \| A \\\| pipe and a newline\. \|/);
    // Sections in order of gravity, each with advice and findings.
    const failedAt = md.indexOf('## Failed');
    const warningsAt = md.indexOf('## Warnings');
    const errorsAt = md.indexOf('## Errors');
    assert.ok(failedAt > 0 && failedAt < warningsAt && warningsAt < errorsAt, md);
    assert.match(md, /### postgres-check-wallevel\n\nwal_level is replica, but change data capture needs logical\.\n\n\*\*What to change:\*\* Set wal_level = logical\.\n\n- `wal_level`: replica \(needs logical\)/);
    // Passed assessments appear in the table only.
    assert.ok(!md.includes('### postgres-check-dbversion'));
    assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
  });

  it('shows at most 200 findings of one assessment', () => {
    const findings = Array.from({ length: 250 }, (_, i) => ({ object: `app.t${i}`, detail: 'no key' }));
    const md = renderReport(meta, [{ name: 'table-with-no-primary-key-or-unique-constraint', status: 'warning', summary: 's', advice: 'a', findings, ...times }]);
    assert.ok(md.includes('`app.t199`') && !md.includes('`app.t200`'));
    assert.match(md, /\.\.\. and 50 more \(see table-with-no-primary-key-or-unique-constraint\.json\)/);
  });

  it('renders an empty run', () => {
    assert.match(renderReport(meta, []), /0 individual assessments\.\n$/);
  });
});

describe('MySQL grants', () => {
  it('reads global, database (with patterns) and table grants, and ALL PRIVILEGES', () => {
    const g = grantsOf([
      'GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `dms`@`%`',
      'GRANT SELECT, INSERT ON `sales\\_%`.* TO `dms`@`%`',
      'GRANT SELECT ON `hr`.`people` TO `dms`@`%`',
      'GRANT SELECT (`a`, `b`), UPDATE ON `hr`.`salaries` TO `dms`@`%`',
      'GRANT ALL PRIVILEGES ON `scratch`.* TO `dms`@`%`',
      'GRANT `reporting` TO `dms`@`%`',
    ]);
    assert.ok(g.has('REPLICATION SLAVE'));
    assert.ok(g.has('binlog monitor'));
    assert.ok(!g.has('REPLICATION CLIENT'));
    assert.ok(g.has('SELECT', 'sales_eu', 'orders'));
    assert.ok(!g.has('SELECT', 'salesXeu', 'orders'), '\\_ is a literal underscore');
    assert.ok(g.has('SELECT', 'hr', 'people'));
    assert.ok(!g.has('SELECT', 'hr', 'other'));
    assert.ok(!g.has('SELECT', 'hr', 'salaries'), 'column grants do not cover the table');
    assert.ok(g.has('UPDATE', 'hr', 'salaries'));
    assert.ok(g.has('DROP', 'scratch', 'anything'));
  });
});

describe('type approximations', () => {
  it('says what a type becomes where the target holds it only approximately', () => {
    const none = (): boolean => false;
    assert.match(approximation({ sourceType: { kind: 'decimal' }, targetType: { kind: 'decimal' } }, 'postgres', 'mysql', none)!, /DECIMAL\(65,30\)/);
    assert.match(approximation({ sourceType: { kind: 'set', values: ['a'] }, targetType: { kind: 'set', values: ['a'] } }, 'mysql', 'postgres', none)!, /text/);
    assert.equal(approximation({ sourceType: { kind: 'decimal', precision: 10, scale: 2 }, targetType: { kind: 'decimal', precision: 10, scale: 2 } }, 'postgres', 'mysql', none), undefined);
    const interval = { kind: 'native', engine: 'postgres', type: 'interval' } as const;
    assert.equal(approximation({ sourceType: interval, targetType: interval }, 'postgres', 'postgres', (t) => t === 'interval'), undefined);
    assert.match(approximation({ sourceType: { ...interval, type: 'citext' }, targetType: { ...interval, type: 'citext' } }, 'postgres', 'postgres', (t) => t === 'interval')!, /no type citext/);
    assert.match(approximation({ sourceType: interval, targetType: interval }, 'postgres', 'mysql', none)!, /LONGTEXT/);
  });
});
