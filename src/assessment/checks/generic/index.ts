/** The assessments of every endpoint type (DMS user guide: "All endpoint types"), and the cross-engine `all-check-*` ones. */
import type { IndividualAssessment } from '../../types.js';
import { tableWithNoPrimaryKeyOrUniqueConstraint, targetTableHasUniqueKeyOrPrimaryKeyForCdc } from './keys-for-cdc.js';
import { fullLobNotNullableAtTarget, tableWithLobButWithoutPrimaryKeyOrUniqueConstraint } from './lob-columns.js';
import { allCheckSecondaryConstraints } from './secondary-constraints.js';
import { allCheckSourceSelectionRules } from './source-selection-rules.js';
import { unsupportedDataTypesInSource } from './unsupported-data-types.js';

export const genericChecks: readonly IndividualAssessment[] = [
  unsupportedDataTypesInSource,
  fullLobNotNullableAtTarget,
  tableWithLobButWithoutPrimaryKeyOrUniqueConstraint,
  tableWithNoPrimaryKeyOrUniqueConstraint,
  targetTableHasUniqueKeyOrPrimaryKeyForCdc,
  allCheckSourceSelectionRules,
  allCheckSecondaryConstraints,
];
