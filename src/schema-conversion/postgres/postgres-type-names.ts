/**
 * NeutralType -> PostgreSQL DDL type text: the connector's own mapping (connectors/spi/
 * postgres-type-render.ts, docs/architecture/05-type-mapping-postgres.md), so a table created
 * by a converted script looks like one created by a full load's DROP_AND_CREATE. Only named
 * enum types differ: the converter names them, the connector creates them per task.
 */
import type { NeutralType } from '../../connectors/spi/data-types.js';
import { renderType } from '../../connectors/spi/postgres-type-render.js';
import { quoteIdentifier } from '../sql/tokenizer.js';

export function renderPostgresType(t: NeutralType): string {
  switch (t.kind) {
    case 'enum':
      // The connector creates a task's enum types itself; here the converter has named it.
      if (!t.name) throw new Error('renderPostgresType: an enum needs the name of its PostgreSQL enum type (set NeutralType.name)');
      return quoteIdentifier(t.name, 'postgres');
    case 'array':
      return `${t.element.kind === 'native' && t.element.engine === 'postgres' ? t.nativeElement : renderPostgresType(t.element)}[]`;
    default:
      // The connector's own mapping: the same type text a full load's DROP_AND_CREATE uses.
      return renderType(t, '', '').sql;
  }
}
