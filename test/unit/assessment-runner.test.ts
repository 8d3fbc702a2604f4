/**
 * The assessment runner with fake checks and fake connectors: the concurrency bound, results
 * in the order asked, errors as results, cancellation, and connections opened once per side
 * on first use and closed at the end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError, type Connector, type SourceSession, type SqlInspector, type TableInfo } from '../../src/connectors/spi/index.js';
import { runChecks, type RunChecksOptions } from '../../src/assessment/runner.js';
import type { AssessmentSubject, CheckContext, CheckVerdict, IndividualAssessment, IndividualResult } from '../../src/assessment/index.js';

const params = (engineName: string) => ({ engineName, host: 'h', port: 1, ssl: { mode: 'none' as const } });

function subject(rules: unknown[] = [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 'app', 'table-name': '%' }, 'rule-action': 'include' }]): AssessmentSubject {
  return {
    source: { engineName: 'postgres', params: params('postgres') },
    target: { engineName: 'postgres', params: params('postgres') },
    migrationType: 'full-load-and-cdc',
    tableMappings: JSON.stringify({ rules }),
    taskSettings: {},
  };
}

function table(name: string, kind: TableInfo['kind'] = 'table'): TableInfo {
  return {
    schema: 'app',
    name,
    kind,
    columns: [{ name: 'id', nativeType: 'integer', type: { kind: 'int', bytes: 4, unsigned: false }, nullable: false, generated: false }],
    primaryKey: ['id'],
    uniqueKeys: [],
    estimatedRows: 0,
    estimatedBytes: 0,
  };
}

/** A connector whose inspectors and source sessions count their opening and closing. */
class FakeConnector {
  opened = { source: 0, inspector: 0 };
  closed = { source: 0, inspector: 0 };
  failInspector: Error | undefined;
  constructor(private readonly tables: TableInfo[] = []) {}

  get connector(): Connector {
    return {
      engines: ['postgres'],
      openInspector: async (): Promise<SqlInspector> => {
        this.opened.inspector++;
        if (this.failInspector) throw this.failInspector;
        return {
          dialect: 'postgres',
          flavour: 'postgres',
          version: '15.4',
          user: 'u',
          database: 'd',
          query: async () => [],
          close: async () => {
            this.closed.inspector++;
          },
        };
      },
      openSource: async (): Promise<SourceSession> => {
        this.opened.source++;
        return {
          listTables: async () => this.tables,
          close: async () => {
            this.closed.source++;
          },
        } as unknown as SourceSession;
      },
    } as unknown as Connector;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function fake(name: string, run: (ctx: CheckContext) => Promise<CheckVerdict>): IndividualAssessment {
  return { name, applies: () => true, run };
}

const ok = (summary = 'fine'): CheckVerdict => ({ status: 'passed', summary, findings: [] });

function options(over: Partial<RunChecksOptions> & { fake?: FakeConnector } = {}): { o: RunChecksOptions; events: string[]; finished: IndividualResult[] } {
  const events: string[] = [];
  const finished: IndividualResult[] = [];
  const fakeConnector = over.fake ?? new FakeConnector();
  let tick = 0;
  return {
    events,
    finished,
    o: {
      subject: subject(),
      names: [],
      connectors: { forEngine: () => fakeConnector.connector },
      concurrency: 2,
      signal: new AbortController().signal,
      observer: {
        started: (name) => events.push(`start ${name}`),
        finished: (r) => {
          events.push(`end ${r.name} ${r.status}`);
          finished.push(r);
        },
      },
      now: () => new Date(Date.UTC(2024, 0, 1, 0, 0, tick++)),
      ...over,
    },
  };
}

describe('assessment runner', () => {
  it('runs at most `concurrency` checks at once and returns results in the order of the names', async () => {
    let active = 0;
    let peak = 0;
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const checks = new Map(
      names.map((n) => {
        gates.set(n, deferred());
        return [
          n,
          fake(n, async () => {
            active++;
            peak = Math.max(peak, active);
            await gates.get(n)!.promise;
            active--;
            return ok(`summary of ${n}`);
          }),
        ];
      }),
    );
    const { o, events } = options({ names, concurrency: 3 });
    const run = runChecks(o, (n) => checks.get(n));
    // Release them in reverse order: results still follow the names.
    for (const n of [...names].reverse()) {
      await new Promise((r) => setImmediate(r));
      gates.get(n)!.resolve();
    }
    const results = await run;
    assert.equal(peak, 3);
    assert.deepEqual(results.map((r) => r.name), names);
    assert.deepEqual(results.map((r) => r.summary), names.map((n) => `summary of ${n}`));
    assert.equal(events.filter((e) => e.startsWith('start')).length, 7);
    assert.equal(events.filter((e) => e.startsWith('end')).length, 7);
    for (const r of results) assert.ok(r.startedAt <= r.finishedAt);
  });

  it('turns a throwing check into an error result with its message, and a connector error into message and hint', async () => {
    const checks = new Map([
      ['boom', fake('boom', async () => Promise.reject(new Error('the catalog said no')))],
      ['conn', fake('conn', async () => Promise.reject(new ConnectorError({ kind: 'auth', message: 'PostgreSQL at h:1 refused the login', hint: 'Check the password.' })))],
      ['fine', fake('fine', async () => ok())],
    ]);
    const { o } = options({ names: ['boom', 'conn', 'fine', 'nope'] });
    const results = await runChecks(o, (n) => checks.get(n));
    assert.deepEqual(results.map((r) => r.status), ['error', 'error', 'passed', 'error']);
    assert.match(results[0]!.summary, /the catalog said no/);
    assert.match(results[1]!.summary, /refused the login/);
    assert.equal(results[1]!.advice, 'Check the password.');
    assert.match(results[3]!.summary, /no individual assessment named nope/);
  });

  it('ends the running and the waiting checks cancelled when the signal aborts, and returns at once', async () => {
    const abort = new AbortController();
    const never = (): Promise<CheckVerdict> => new Promise(() => undefined);
    const checks = new Map([
      ['first', fake('first', async () => ok())],
      ['stuck1', fake('stuck1', never)],
      ['stuck2', fake('stuck2', never)],
      ['later1', fake('later1', async () => ok())],
      ['later2', fake('later2', async () => ok())],
    ]);
    const { o, events, finished } = options({ names: [...checks.keys()], concurrency: 2, signal: abort.signal });
    const run = runChecks(
      {
        ...o,
        observer: {
          started: (name) => {
            o.observer.started(name, '');
            // Both stuck checks running: cancel the run.
            if (name === 'stuck2') setImmediate(() => abort.abort(new Error('cancelled by the user')));
          },
          finished: (r) => o.observer.finished(r),
        },
      },
      (n) => checks.get(n),
    );
    const results = await run;
    assert.deepEqual(results.map((r) => r.status), ['passed', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
    assert.match(results[1]!.summary, /while this assessment was running/);
    assert.match(results[3]!.summary, /before this assessment started/);
    assert.ok(!events.includes('start later1'), 'a check not started is not started after the abort');
    assert.equal(finished.length, 5, 'the observer hears of every result');
  });

  it('opens each side once, on first use, shares it and closes it at the end', async () => {
    const fc = new FakeConnector();
    const checks = new Map([
      ['s1', fake('s1', async (ctx) => ((await ctx.source()).user === 'u' ? ok() : ok('other')))],
      ['s2', fake('s2', async (ctx) => (await ctx.source(), ok()))],
      ['s3', fake('s3', async (ctx) => (await ctx.source(), ok()))],
      ['none', fake('none', async () => ok())],
    ]);
    const { o } = options({ names: [...checks.keys()], concurrency: 3, fake: fc });
    const results = await runChecks(o, (n) => checks.get(n));
    assert.ok(results.every((r) => r.status === 'passed'));
    assert.deepEqual(fc.opened, { source: 0, inspector: 1 }, 'one inspector for the source side, none for the unused target side');
    assert.deepEqual(fc.closed, { source: 0, inspector: 1 });
  });

  it('ends every check that needs a side it cannot open in error, the others unaffected', async () => {
    const fc = new FakeConnector();
    fc.failInspector = new ConnectorError({ kind: 'network', message: 'Connection to PostgreSQL at h:1 was refused', hint: 'Check ServerName and Port.' });
    const checks = new Map([
      ['t1', fake('t1', async (ctx) => (await ctx.target(), ok()))],
      ['t2', fake('t2', async (ctx) => (await ctx.target(), ok()))],
      ['pure', fake('pure', async () => ok())],
    ]);
    const { o } = options({ names: [...checks.keys()], fake: fc });
    const results = await runChecks(o, (n) => checks.get(n));
    assert.deepEqual(results.map((r) => r.status), ['error', 'error', 'passed']);
    assert.match(results[0]!.summary, /was refused/);
    assert.equal(fc.opened.inspector, 1, 'a failed opening is not retried by every check');
  });

  it("plans the selected tables once per run from the source catalog and the task's selection rules", async () => {
    const fc = new FakeConnector([table('orders'), table('customers'), table('audit'), table('v_orders', 'view')]);
    const seen: string[][] = [];
    const check = (n: string): IndividualAssessment =>
      fake(n, async (ctx) => {
        seen.push((await ctx.selectedTables()).map((t) => t.name).sort());
        return ok();
      });
    const checks = new Map([['a', check('a')], ['b', check('b')]]);
    const rules = [
      { 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 'app', 'table-name': '%' }, 'rule-action': 'include' },
      { 'rule-type': 'selection', 'rule-id': '2', 'rule-name': '2', 'object-locator': { 'schema-name': 'app', 'table-name': 'audit' }, 'rule-action': 'exclude' },
    ];
    const { o } = options({ names: ['a', 'b'], fake: fc, subject: subject(rules) });
    const results = await runChecks(o, (n) => checks.get(n));
    assert.ok(results.every((r) => r.status === 'passed'), JSON.stringify(results));
    assert.deepEqual(seen, [['customers', 'orders'], ['customers', 'orders']]);
    assert.deepEqual(fc.opened.source, 1, 'the catalog is read once');
    assert.deepEqual(fc.closed.source, 1, 'and its session closed at once');
  });

  it('survives an observer that throws', async () => {
    const checks = new Map([['a', fake('a', async () => ok())]]);
    const { o } = options({ names: ['a'] });
    const results = await runChecks(
      {
        ...o,
        observer: {
          started: () => {
            throw new Error('store is down');
          },
          finished: () => {
            throw new Error('store is down');
          },
        },
      },
      (n) => checks.get(n),
    );
    assert.equal(results[0]!.status, 'passed');
  });
});
