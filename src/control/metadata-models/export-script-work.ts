/**
 * StartMetadataModelExportAsScript: the DDL of the selected objects (converted target
 * objects, or with Origin SOURCE the imported source objects) as one .sql file in the
 * project's S3 location; the request's ExportSqlDetails say where.
 */
import { printDdl, type DdlStatement, type Dialect } from '../../schema-conversion/index.js';
import { significant, tokenize } from '../../schema-conversion/sql/tokenizer.js';
import { exportSelection } from './export-selection.js';
import type { ConvertedStatement } from './record.js';
import { RequestFailure, type RequestWork } from './request-runner.js';
import type { WorkEnv } from './work-env.js';

export function exportScriptWork(env: WorkEnv): RequestWork {
  return async ({ record, project, signal, progress }) => {
    const origin = record.input.origin === 'SOURCE' ? 'SOURCE' : 'TARGET';
    if (!project.s3) {
      throw new RequestFailure(
        `The migration project ${project.name} has no S3 location for its exports: set SchemaConversionApplicationAttributes.S3BucketPath with ModifyMigrationProject, then start the export again.`,
      );
    }
    const state = env.models.get(project);
    const selected = exportSelection(project, state, record.input.selectionRules ?? '', origin);
    const ddl = printDdl(selected);
    progress({ percent: 50, totalObjects: ddl.length, object: { endpointType: origin } });
    const schemas = new Set(selected.schemas.map((s) => s.name));
    const statements = origin === 'TARGET' ? state.convertedStatements.filter((s) => schemas.has(s.schema)) : [];
    const script = renderScript(selected.dialect, ddl, statements, `${project.name} (${origin === 'TARGET' ? project.target.serverName : project.source.serverName})`);
    const name = record.input.fileName?.trim() || `${project.name}-${record.requestId}`;
    signal.throwIfAborted();
    const stored = await env.objects.put(project.s3, /\.sql$/i.test(name) ? name : `${name}.sql`, script);
    return { exportSql: { key: stored.key, url: stored.url }, notes: [`Wrote ${ddl.length} statements to ${stored.url}.`] };
  };
}

/**
 * One script a client can run as is: `;` after each statement, and for MySQL a DELIMITER
 * around statements that hold `;` themselves (routine and trigger bodies).
 */
export function renderScript(dialect: Dialect, ddl: readonly DdlStatement[], statements: readonly ConvertedStatement[], title: string): string {
  const out = [`-- DDL exported by OpenDMS for ${title}`, `-- ${ddl.length} statements, in dependency order.`, ''];
  for (const s of ddl) {
    out.push(`-- ${s.objectType} ${s.schema}.${s.name}`);
    out.push(terminated(dialect, s.sql), '');
  }
  for (const s of statements) {
    out.push(`-- statement ${s.schema}.${s.name}${s.ok ? '' : ' (needs manual work: ' + s.messages.join(' ').replace(/\s+/g, ' ') + ')'}`);
    out.push(terminated(dialect, s.sql), '');
  }
  return out.join('\n');
}

function terminated(dialect: Dialect, sql: string): string {
  const body = sql.trim().replace(/;\s*$/, '');
  const innerSemicolon = significant(tokenize(body, dialect)).some((t) => t.kind === 'punct' && t.text === ';');
  return dialect === 'mysql' && innerSemicolon ? `DELIMITER $$\n${body}$$\nDELIMITER ;` : `${body};`;
}
