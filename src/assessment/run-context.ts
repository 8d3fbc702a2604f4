/**
 * The CheckContext of one assessment run: live access to the task's endpoints, opened on
 * first use and shared by every check of the run (one inspector per side, one catalog read,
 * one plan), and closed by the runner at the end.
 *
 * Shared because a run asks many small questions of the same two servers: a connection per
 * check would multiply logins (and, on PostgreSQL, snapshot exports for the catalog) by the
 * number of checks. A failure to open is remembered, so every check that needs that side
 * ends with the same explanation instead of trying again.
 */
import type { Connector, SqlInspector, TableInfo, TableRef } from '../connectors/spi/index.js';
import { OpenDmsError } from '../common/errors.js';
import { buildPlan, parseTableMappings, type MappingPlan, type TableMappings } from '../engine/mapping/index.js';
import { dialectOf, productOf } from './engines.js';
import { readTableFacts } from './facts/read-table-facts.js';
import type { FactsByTable } from './facts/table-facts.js';
import { settingsOf } from './task-settings.js';
import type { AssessmentSubject, CheckContext, EndpointUnderTest } from './types.js';

export interface ConnectorLookup {
  forEngine(engineName: string): Connector | undefined;
}

/** What the run knows beyond CheckContext, for the checks that need it (see planOf and friends). */
export interface RunFacts {
  /** Every table and view of the source, as the SPI lists them (for selection rules). */
  catalog(): Promise<readonly TableInfo[]>;
  /** The task's parsed table mappings. */
  mappings(): TableMappings;
  /** The plan of the task against the source catalog. */
  plan(): Promise<MappingPlan>;
  /** Facts of the planned tables: on the source by their source names, on the target by their target names. */
  facts(side: 'source' | 'target'): Promise<FactsByTable>;
}

export class RunContext implements CheckContext, RunFacts {
  private sourceInspector: Promise<SqlInspector> | undefined;
  private targetInspector: Promise<SqlInspector> | undefined;
  private catalogRead: Promise<readonly TableInfo[]> | undefined;
  private planned: Promise<MappingPlan> | undefined;
  private parsed: TableMappings | undefined;
  private readonly factsRead = new Map<'source' | 'target', Promise<FactsByTable>>();

  constructor(
    readonly subject: AssessmentSubject,
    private readonly connectors: ConnectorLookup,
    readonly signal: AbortSignal,
  ) {}

  source(): Promise<SqlInspector> {
    this.sourceInspector ??= this.openInspector(this.subject.source, 'source');
    return this.sourceInspector;
  }

  target(): Promise<SqlInspector> {
    this.targetInspector ??= this.openInspector(this.subject.target, 'target');
    return this.targetInspector;
  }

  async selectedTables(): Promise<readonly TableInfo[]> {
    const [plan, catalog] = await Promise.all([this.plan(), this.catalog()]);
    const byName = new Map(catalog.map((t) => [`${t.schema}\u0000${t.name}`, t]));
    return plan.tables.flatMap((p) => byName.get(`${p.source.schema}\u0000${p.source.name}`) ?? []);
  }

  catalog(): Promise<readonly TableInfo[]> {
    this.catalogRead ??= this.readCatalog();
    return this.catalogRead;
  }

  mappings(): TableMappings {
    this.parsed ??= parseTableMappings(this.subject.tableMappings);
    return this.parsed;
  }

  plan(): Promise<MappingPlan> {
    this.planned ??= this.catalog().then((catalog) => {
      const { targetSchema } = settingsOf(this.subject);
      return buildPlan(this.mappings(), catalog, {
        ...(targetSchema ? { targetSchema } : {}),
        targetEngine: dialectOf(this.subject.target.engineName) ?? 'postgres',
      });
    });
    return this.planned;
  }

  facts(side: 'source' | 'target'): Promise<FactsByTable> {
    let p = this.factsRead.get(side);
    if (!p) {
      p = (async () => {
        const plan = await this.plan();
        const tables: TableRef[] = plan.tables.map((t) => (side === 'source' ? t.source : t.target));
        const inspector = side === 'source' ? await this.source() : await this.target();
        return readTableFacts(inspector, tables, this.signal);
      })();
      this.factsRead.set(side, p);
    }
    return p;
  }

  /** Closes what was opened; waits for openings still in flight. Never rejects. */
  async close(): Promise<void> {
    const closing = [this.sourceInspector, this.targetInspector].map((p) => p?.then((i) => i.close(), () => undefined).catch(() => undefined));
    await Promise.all(closing);
  }

  private openInspector(endpoint: EndpointUnderTest, side: 'source' | 'target'): Promise<SqlInspector> {
    const connector = this.connectors.forEngine(endpoint.engineName);
    if (!connector?.openInspector) {
      return Promise.reject(
        new OpenDmsError('assessment-no-inspector', `OpenDMS cannot query the ${side} endpoint's engine ${endpoint.engineName}: no connector for it can run assessment queries`),
      );
    }
    return connector.openInspector(endpoint.params, this.signal);
  }

  /** One catalog read: a source session is opened, listed, and closed at once (its snapshot is not needed). */
  private async readCatalog(): Promise<readonly TableInfo[]> {
    const { source } = this.subject;
    const connector = this.connectors.forEngine(source.engineName);
    if (!connector) throw new OpenDmsError('assessment-no-connector', `OpenDMS has no connector for the source engine ${source.engineName} (${productOf(source.engineName)})`);
    const session = await connector.openSource(source.params, this.signal);
    try {
      return await session.listTables(this.signal);
    } finally {
      await session.close().catch(() => undefined);
    }
  }
}

/** The run's extra facts, when the context is the runner's (checks fail clearly otherwise). */
export function runFactsOf(ctx: CheckContext): RunFacts {
  if (ctx instanceof RunContext) return ctx;
  const r = ctx as Partial<RunFacts>;
  if (typeof r.catalog === 'function' && typeof r.plan === 'function' && typeof r.facts === 'function' && typeof r.mappings === 'function') return r as RunFacts;
  throw new OpenDmsError('assessment-context', 'this assessment needs the run context of runAssessments (catalog, plan, table facts)');
}
