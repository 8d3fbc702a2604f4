/**
 * The engines of data providers and the DataProviderSettings member each takes. Every engine
 * of the model can be stored; OpenDMS converts and connects only where a connector exists
 * (PostgreSQL, MySQL, MariaDB and their Aurora flavours), which the metadata-model requests
 * report, not the data provider API: DMS allows creating the others too.
 */
import { invalidCombination, invalidParameter } from '../../common/errors.js';

const settingsMembersByEngine: Readonly<Record<string, readonly string[]>> = {
  aurora: ['MySqlSettings'],
  'aurora-postgresql': ['PostgreSqlSettings'],
  db2: ['IbmDb2LuwSettings'],
  'db2-zos': ['IbmDb2zOsSettings'],
  docdb: ['DocDbSettings'],
  // MariaDbSettings is the member for MariaDB; MySqlSettings served MariaDB before it existed
  // and is still taken, so that older scripts keep working.
  mariadb: ['MariaDbSettings', 'MySqlSettings'],
  mongodb: ['MongoDbSettings'],
  mysql: ['MySqlSettings'],
  oracle: ['OracleSettings'],
  postgres: ['PostgreSqlSettings'],
  redshift: ['RedshiftSettings'],
  sqlserver: ['MicrosoftSqlServerSettings'],
  sybase: ['SybaseAseSettings'],
};

export const dataProviderEngines = Object.keys(settingsMembersByEngine);

/** The engine name, lower case, or InvalidParameterValueException listing the valid ones. */
export function checkEngine(engine: string): string {
  const e = engine.toLowerCase();
  if (!settingsMembersByEngine[e]) throw invalidParameter(`Engine '${engine}' is not valid for a data provider; valid engines: ${dataProviderEngines.join(', ')}.`);
  return e;
}

/** Refuses a settings member that is not the engine's, naming the one to use. */
export function checkSettingsMember(engine: string, member: string): void {
  const allowed = settingsMembersByEngine[engine] ?? [];
  if (!allowed.includes(member)) {
    throw invalidParameter(
      `Settings.${member} does not match Engine ${engine}: a ${engine} data provider takes Settings.${allowed[0]}. Give the settings in that member, or set the Engine the settings are for.`,
    );
  }
}

export function settingsMembersOf(engine: string): readonly string[] {
  return settingsMembersByEngine[engine] ?? [];
}

/** Guards against a request that changes the engine but keeps settings of another engine's member. */
export function checkEngineChange(from: string, to: string, storedMember: string, given: boolean): void {
  if (!given && !settingsMembersOf(to).includes(storedMember)) {
    throw invalidCombination(
      `Engine ${to} needs Settings.${settingsMembersOf(to)[0]}, and the data provider's settings are ${storedMember} (engine ${from}): give the new Settings with the new Engine.`,
    );
  }
}
