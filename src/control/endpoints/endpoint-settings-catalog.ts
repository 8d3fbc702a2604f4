/**
 * DescribeEndpointSettings: an engine's settings, derived from its settings shape in the model
 * (member name; type from the member's shape: enum values, integer bounds; Sensitive for
 * SecretString members). The connection members (ServerName, Port, DatabaseName, Username,
 * Password) are CreateEndpoint parameters of their own and are not listed; list-valued members
 * (OracleSettings.ExtraArchivedLogDestIds) have no EndpointSettingTypeValue and are left out.
 * For PostgreSQL and MySQL the defaults, units and applicability are added where the model's
 * documentation of the member states them.
 */
import type { EndpointSetting, EndpointSettingTypeValue } from '../../api/generated/shapes.js';
import type { EngineSpec, SettingsMember } from './engines.js';
import { rolesOf } from './engines.js';
import { connectionMembers } from './settings-blocks.js';
import { settingsShapeMembers } from './settings-model.js';

type Extra = Pick<EndpointSetting, 'DefaultValue' | 'Units' | 'Applicability' | 'IntValueMin' | 'IntValueMax'>;

const postgres: Readonly<Record<string, Extra>> = {
  AfterConnectScript: { Applicability: 'target' },
  CaptureDdls: { Applicability: 'source', DefaultValue: 'true' },
  MaxFileSize: { Applicability: 'target', DefaultValue: '32768', Units: 'KB' },
  DdlArtifactsSchema: { Applicability: 'source', DefaultValue: 'public' },
  ExecuteTimeout: { DefaultValue: '60', Units: 'seconds' },
  FailTasksOnLobTruncation: { Applicability: 'source', DefaultValue: 'false' },
  HeartbeatEnable: { Applicability: 'source', DefaultValue: 'false' },
  HeartbeatSchema: { Applicability: 'source', DefaultValue: 'public' },
  HeartbeatFrequency: { Applicability: 'source', DefaultValue: '5', Units: 'minutes', IntValueMin: 1 },
  SlotName: { Applicability: 'source' },
  PluginName: { Applicability: 'source', DefaultValue: 'pglogical' },
  TrimSpaceInChar: { Applicability: 'source', DefaultValue: 'true' },
  MapBooleanAsBoolean: { DefaultValue: 'false' },
  MapJsonbAsClob: { Applicability: 'source', DefaultValue: 'false' },
  MapLongVarcharAs: { Applicability: 'source', DefaultValue: 'wstring' },
  DatabaseMode: { Applicability: 'target' },
  BabelfishDatabaseName: { Applicability: 'target' },
  DisableUnicodeSourceFilter: { Applicability: 'source', DefaultValue: 'false' },
};

const mysql: Readonly<Record<string, Extra>> = {
  CleanSourceMetadataOnMismatch: { Applicability: 'source', DefaultValue: 'false' },
  EventsPollInterval: { Applicability: 'source', DefaultValue: '5', Units: 'seconds', IntValueMin: 1 },
  ServerTimezone: { Applicability: 'source' },
  ExecuteTimeout: { Applicability: 'source', Units: 'seconds' },
  TargetDbType: { Applicability: 'target' },
  MaxFileSize: { Applicability: 'target', Units: 'KB' },
  ParallelLoadThreads: { Applicability: 'target', DefaultValue: '1', IntValueMin: 1 },
};

const extras: Partial<Record<SettingsMember, Readonly<Record<string, Extra>>>> = {
  PostgreSQLSettings: postgres,
  MySQLSettings: mysql,
  GcpMySQLSettings: mysql,
};

const skipped = new Set<string>(connectionMembers);

export function endpointSettingsOf(engine: EngineSpec): EndpointSetting[] {
  const roles = rolesOf(engine);
  const out: EndpointSetting[] = [];
  for (const member of settingsShapeMembers(engine.settingsMember)) {
    const name = member.name;
    if (skipped.has(name)) continue;
    let type: EndpointSettingTypeValue;
    if (member.type === 'boolean') type = 'boolean';
    else if (member.type === 'integer' || member.type === 'long') type = 'integer';
    else if (member.type === 'string') type = member.enum ? 'enum' : 'string';
    else continue;
    const extra = extras[engine.settingsMember]?.[name] ?? {};
    // An engine with one role applies every setting in that role; otherwise the table above says.
    const applicability = roles.length === 1 ? roles[0] : extra.Applicability;
    out.push({
      Name: name,
      Type: type,
      ...(member.enum ? { EnumValues: [...member.enum] } : {}),
      Sensitive: member.sensitive,
      ...(extra.Units ? { Units: extra.Units } : {}),
      ...(applicability ? { Applicability: applicability } : {}),
      ...(type === 'integer' && (extra.IntValueMin ?? member.min) !== undefined ? { IntValueMin: extra.IntValueMin ?? member.min } : {}),
      ...(type === 'integer' && (extra.IntValueMax ?? member.max) !== undefined ? { IntValueMax: extra.IntValueMax ?? member.max } : {}),
      ...(extra.DefaultValue !== undefined ? { DefaultValue: extra.DefaultValue } : {}),
    });
  }
  return out;
}
