/**
 * The assessments of a MySQL-family source, made once and named per prefix as DMS names them:
 * `mysql-check-*` for MySQL and Aurora MySQL, `mariadb-check-*` for MariaDB, each only with
 * the names DMS has for that engine (MariaDB has no binlog-enabled check: its binlog-format
 * check says when the binlog is off).
 */
import { familyOf, getsMysqlChecks } from '../../engines.js';
import { targetSecondaryIndexes } from '../shared/target-secondary-indexes.js';
import type { IndividualAssessment } from '../../types.js';
import { binlogCompression, binlogEnabled, binlogFormat, binlogImage, serverId } from './binlog-settings.js';
import { binlogRetentionTime, expireLogsDays } from './binlog-retention.js';
import { cascadeConstraints, fkTarget } from './constraints.js';
import type { MysqlPrefix } from './mysql-facts.js';
import { replicationPrivileges, selectPrivileges, targetPrivileges } from './privileges.js';
import { maxStatementTime, supportedVersion, targetLocalinfileSet } from './server-settings.js';
import { autoIncrement, generatedColumns, invisibleColumns, tablePartition, tableStorageEngine } from './table-shapes.js';

function familyChecks(prefix: MysqlPrefix): IndividualAssessment[] {
  return [
    ...(prefix === 'mysql' ? [binlogEnabled(prefix)] : []),
    binlogFormat(prefix),
    binlogImage(prefix),
    serverId(prefix),
    binlogCompression(prefix),
    expireLogsDays(prefix),
    binlogRetentionTime(prefix),
    replicationPrivileges(prefix),
    selectPrivileges(prefix),
    targetPrivileges(prefix),
    tableStorageEngine(prefix),
    autoIncrement(prefix),
    generatedColumns(prefix),
    invisibleColumns(prefix),
    tablePartition(prefix),
    fkTarget(prefix),
    cascadeConstraints(prefix),
    supportedVersion(prefix),
    targetLocalinfileSet(prefix),
    maxStatementTime(prefix),
    targetSecondaryIndexes(`${prefix}-check-secondary-indexes`, prefix === 'mysql' ? getsMysqlChecks : (source) => familyOf(source) === 'mariadb'),
  ];
}

export const mysqlChecks: readonly IndividualAssessment[] = familyChecks('mysql');
export const mariadbChecks: readonly IndividualAssessment[] = familyChecks('mariadb');
