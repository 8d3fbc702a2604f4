/**
 * What a task's TableMappings mean for one run: the typed rules (after validation) and the
 * plan they give against a source catalog. Pure data: engine/mapping builds it, the full
 * load follows it.
 */
import type { ColumnFilter, NeutralType, TableRef } from '../../connectors/spi/index.js';
import type { DataTypeSpec } from '../../mapping-rules/dms-data-types.js';

/** A rule's validated `data-type` (shared with schema conversion's transformation rules). */
export type { DataTypeSpec };

/** A TableMappings document that passed validation, rules kept in their DMS form but typed. */
export interface TableMappings {
  readonly rules: readonly MappingRule[];
}

export interface RuleBase {
  readonly ruleId: string;
  readonly ruleName: string;
}

export interface ObjectLocator {
  readonly schemaName: string;
  readonly tableName?: string;
  readonly columnName?: string;
  readonly tableType?: 'table' | 'view' | 'all';
  readonly dataType?: string;
}

export interface SelectionRule extends RuleBase {
  readonly ruleType: 'selection';
  readonly ruleAction: 'include' | 'exclude' | 'explicit';
  readonly objectLocator: ObjectLocator;
  readonly loadOrder: number;
  readonly filters: readonly ColumnFilter[];
}

export interface TransformationRule extends RuleBase {
  readonly ruleType: 'transformation';
  readonly ruleTarget: 'schema' | 'table' | 'column' | 'table-tablespace' | 'index-tablespace';
  readonly ruleAction: string;
  readonly objectLocator: ObjectLocator;
  readonly value?: string;
  readonly oldValue?: string;
  readonly expression?: string;
  readonly dataType?: DataTypeSpec;
  readonly primaryKeyDef?: { readonly name: string; readonly columns: readonly string[] };
}

export interface TableSettingsRule extends RuleBase {
  readonly ruleType: 'table-settings';
  readonly objectLocator: ObjectLocator;
  readonly parallelLoad?: { readonly type: 'ranges'; readonly columns: readonly string[]; readonly boundaries: readonly (readonly string[])[] } | { readonly type: 'partitions-auto' | 'none' };
  readonly lobSettings?: { readonly mode: 'limited' | 'unlimited' | 'none'; readonly bulkMaxSizeKb?: number };
}

export type MappingRule = SelectionRule | TransformationRule | TableSettingsRule;

/** One column of a target table and where its values come from. */
export type ColumnPlan =
  | {
      readonly kind: 'source';
      readonly sourceName: string;
      readonly targetName: string;
      readonly sourceType: NeutralType;
      /** After change-data-type; otherwise the source type. */
      readonly targetType: NeutralType;
      readonly nullable: boolean;
      readonly isLob: boolean;
    }
  | {
      readonly kind: 'added';
      readonly targetName: string;
      readonly targetType: NeutralType;
      readonly nullable: boolean;
      /** A constant value (canonical string), or an SQLite expression over `$column` names. */
      readonly value?: string | null;
      readonly expression?: string;
    };

export interface TablePlan {
  readonly source: TableRef;
  readonly target: TableRef;
  /** Higher loads first (DMS load-order); ties by name. */
  readonly loadOrder: number;
  /** Target columns in order. */
  readonly columns: readonly ColumnPlan[];
  /** Source filters: AND across filters, OR across one filter's conditions. */
  readonly filters: readonly ColumnFilter[];
  /** Target column names of the primary key (source key after renames, or define-primary-key). */
  readonly primaryKey: readonly string[];
  /** Source key columns, for ranges and automatic splits. */
  readonly sourceKey: readonly string[];
  /** `ranges` from table-settings (source column names, boundary tuples). */
  readonly ranges?: { readonly columns: readonly string[]; readonly boundaries: readonly (readonly string[])[] };
  /**
   * table-settings `parallel-load` types other than `ranges`: `partitions-auto` asks for the
   * automatic split, `none` asks for one unsplit read. Absent: no table-settings rule said.
   */
  readonly parallelLoad?: 'partitions-auto' | 'none';
  readonly lob?: { readonly mode: 'limited' | 'unlimited' | 'none'; readonly bulkMaxSizeKb?: number };
  /** The rule ids that shaped this table, for the task log. */
  readonly ruleIds: readonly string[];
}

export interface MappingPlan {
  /** Tables to load, in load order. */
  readonly tables: readonly TablePlan[];
  /** Things the log should say (e.g. a selection rule that matched no table). */
  readonly notes: readonly string[];
}
