/** The assessments of a PostgreSQL source (DMS user guide, "PostgreSQL assessments"), some of which look at the target. */
import { targetSecondaryIndexes } from '../shared/target-secondary-indexes.js';
import type { IndividualAssessment } from '../../types.js';
import { familyOf } from '../../engines.js';
import { postgresCheckDbversion } from './dbversion.js';
import { postgresCheckDdlEventTrigger } from './ddl-event-trigger.js';
import { postgresCheckLongrunningtxn, postgresCheckPreparedtxn } from './open-transactions.js';
import { postgresCheckPostgisDataType } from './postgis-data-type.js';
import { postgresCheckSelectObjectPrivileges, postgresCheckTargetPrivileges } from './privileges.js';
import { postgresCheckMaxwalsenders, postgresCheckReplicationSlotsCount } from './replication-capacity.js';
import { postgresCheckSimilarTableName } from './similar-table-name.js';
import { postgresCheckPk, postgresCheckPkLob, postgresCheckTableWithArray } from './table-keys.js';
import { postgresCheckForLogicalDecodingWorkMem, postgresCheckMaxslotWalKeepSize, postgresCheckWallevel, postgresCheckWalsenderstimeout } from './wal-settings.js';

export const postgresChecks: readonly IndividualAssessment[] = [
  postgresCheckDbversion,
  postgresCheckWallevel,
  postgresCheckWalsenderstimeout,
  postgresCheckMaxslotWalKeepSize,
  postgresCheckForLogicalDecodingWorkMem,
  postgresCheckMaxwalsenders,
  postgresCheckReplicationSlotsCount,
  postgresCheckLongrunningtxn,
  postgresCheckPreparedtxn,
  postgresCheckPk,
  postgresCheckPkLob,
  postgresCheckTableWithArray,
  postgresCheckSimilarTableName,
  postgresCheckSelectObjectPrivileges,
  postgresCheckTargetPrivileges,
  postgresCheckDdlEventTrigger,
  postgresCheckPostgisDataType,
  targetSecondaryIndexes('postgres-check-target-secondary-indexes', (source) => familyOf(source) === 'postgres'),
];
