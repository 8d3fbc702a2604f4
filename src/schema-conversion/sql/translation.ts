/**
 * The shape both SQL fragment translators share (MySQL -> PostgreSQL and back): a fragment
 * (default, CHECK, generated column, index expression, view body) in, the fragment in the
 * other dialect out, or the reasons it could not be translated.
 */
import type { ConversionIssue } from '../model.js';

export interface SqlTranslationContext {
  /** The schema (MySQL database) the fragment lives in, for unqualified names. */
  readonly schema: string;
  /** The target name of a schema, table or column: the converter's naming rules (lower-casing, transformation rules). */
  readonly schemaName: (schema: string) => string;
  readonly tableName: (schema: string, table: string) => string;
  readonly columnName: (schema: string, table: string | undefined, column: string) => string;
}

export interface SqlTranslation {
  /** The translated fragment (the best effort even when ok is false, for the report). */
  readonly sql: string;
  /** False when the fragment uses something the translator cannot map: the object needs manual work. */
  readonly ok: boolean;
  readonly issues: readonly ConversionIssue[];
}
