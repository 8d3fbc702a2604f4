/**
 * ReplicationTaskSettings: a given document is checked against the schema
 * (task-settings-schema.ts) and deep-merged over the defaults on create, or over the task's
 * current settings on modify. The task keeps the merged document; DescribeReplicationTasks
 * returns it whole, with the read-only Logging.CloudWatchLogGroup/Stream filled by the server.
 * `toEngineSettings` is the one place that turns the document into what the engine acts on.
 */
import { invalidCombination, invalidParameter } from '../../common/errors.js';
import type { EngineSettings, LogSeverity } from '../../engine/ports.js';
import { defaultTaskSettings } from './task-settings-defaults.js';
import { taskSettingsSpec, type SettingSpec } from './task-settings-schema.js';

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const refuse = (message: string): Error => invalidParameter(`ReplicationTaskSettings: ${message}`);

/** The settings of a new task: the defaults, with `json` merged over them. */
export function settingsForCreate(json: string | undefined): Doc {
  const defaults = defaultTaskSettings();
  if (json === undefined || json.trim() === '') return defaults;
  const given = parse(json);
  const logging = given.Logging;
  if (isObject(logging) && ((logging.CloudWatchLogGroup ?? null) !== null || (logging.CloudWatchLogStream ?? null) !== null)) {
    // DMS's own message: these two are filled by the service.
    throw invalidParameter('Task Settings CloudWatchLogGroup or CloudWatchLogStream cannot be set on create.');
  }
  return finish(merge(defaults, given, taskSettingsSpec, defaults) as Doc);
}

/** The settings after a modify: `json` merged over the task's current settings. */
export function settingsForModify(current: Doc, json: string): Doc {
  const given = parse(json);
  // A document read back from DescribeReplicationTasks carries the server-filled log names; they are read-only, so ignored here.
  if (isObject(given.Logging)) {
    const { CloudWatchLogGroup: _group, CloudWatchLogStream: _stream, ...rest } = given.Logging;
    given.Logging = rest;
  }
  const next = finish(merge(current, given, taskSettingsSpec, defaultTaskSettings()) as Doc);
  const before = (current.ValidationSettings as Doc | undefined)?.ValidationOnly ?? false;
  const after = (next.ValidationSettings as Doc | undefined)?.ValidationOnly ?? false;
  if (before !== after) {
    throw refuse(`ValidationSettings.ValidationOnly cannot be changed after the task is created (it is ${String(before)}); create a new task instead.`);
  }
  return next;
}

/** The document DescribeReplicationTasks returns: the stored one with the task's log names filled in. */
export function describedSettings(settings: Doc, names: { instanceIdentifier: string; taskArn: string }): string {
  const logging = isObject(settings.Logging) ? settings.Logging : {};
  return JSON.stringify({
    ...settings,
    Logging: { ...logging, CloudWatchLogGroup: `dms-tasks-${names.instanceIdentifier}`, CloudWatchLogStream: `dms-task-${names.taskArn.slice(names.taskArn.lastIndexOf(':') + 1)}` },
  });
}

function parse(json: string): Doc {
  let given: unknown;
  try {
    given = JSON.parse(json);
  } catch (err) {
    throw refuse(`the document is not valid JSON (${(err as Error).message}); pass a JSON object such as {"FullLoadSettings":{"TargetTablePrepMode":"DO_NOTHING"}}.`);
  }
  if (!isObject(given)) throw refuse('the document must be a JSON object of settings groups, such as {"FullLoadSettings":{...}}.');
  check(given, taskSettingsSpec, '');
  return given;
}

/** Refuses unknown groups and members (naming the closest valid one), wrong types and values out of range. */
function check(value: unknown, spec: SettingSpec, path: string): void {
  if (value === null) return; // null resets a member to its default (or leaves a group unset)
  const where = path || 'the document';
  switch (spec.t) {
    case 'bool':
      if (typeof value !== 'boolean') throw refuse(`${where} must be true or false; got ${JSON.stringify(value)}.`);
      return;
    case 'str':
      if (typeof value !== 'string') throw refuse(`${where} must be a string; got ${JSON.stringify(value)}.`);
      return;
    case 'int': {
      const range = spec.max !== undefined ? `from ${spec.min ?? 0} to ${spec.max}` : `of at least ${spec.min ?? 0}`;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < (spec.min ?? 0) || (spec.max !== undefined && value > spec.max)) {
        throw refuse(`${where} must be a whole number ${range}; got ${JSON.stringify(value)}.`);
      }
      return;
    }
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        throw refuse(`${where} must be one of ${spec.values.join(', ')}; got ${JSON.stringify(value)}.`);
      }
      return;
    case 'list':
      if (!Array.isArray(value)) throw refuse(`${where} must be a JSON array; got ${JSON.stringify(value)}.`);
      value.forEach((item, i) => check(item, spec.of, `${path}[${i}]`));
      if (spec.key) {
        for (const [i, item] of value.entries()) {
          if (isObject(item) && item[spec.key] === undefined) throw refuse(`${path}[${i}] needs its ${spec.key}.`);
        }
      }
      return;
    case 'group': {
      if (!isObject(value)) throw refuse(`${where} must be a JSON object; got ${JSON.stringify(value)}.`);
      for (const [k, v] of Object.entries(value)) {
        const member = spec.members[k];
        const name = path ? `${path}.${k}` : k;
        if (!member) {
          const near = closest(k, Object.keys(spec.members));
          throw refuse(`unknown ${path ? 'member' : 'group'} ${name}${near ? `; did you mean ${near}?` : `; valid ${path ? `members of ${path}` : 'groups'}: ${Object.keys(spec.members).join(', ')}.`}`);
        }
        check(v, member, name);
      }
      return;
    }
    case 'any':
      return;
  }
}

/** Deep merge of `given` over `base`; `dflt` is the default at the same place (what a null resets to). */
function merge(base: unknown, given: unknown, spec: SettingSpec, dflt: unknown): unknown {
  if (given === undefined) return base;
  if (given === null) return spec.t === 'group' && spec.fill ? null : clone(dflt ?? null);
  if (spec.t === 'group') {
    const start: Doc = isObject(base) ? base : isObject(dflt) ? dflt : { ...(spec.fill ?? {}) };
    const defaults: Doc = isObject(dflt) ? dflt : { ...(spec.fill ?? {}) };
    const out: Doc = { ...start };
    for (const [k, v] of Object.entries(given as Doc)) out[k] = merge(start[k], v, spec.members[k]!, defaults[k]);
    return out;
  }
  if (spec.t === 'list' && spec.key) {
    const key = spec.key;
    const out = (Array.isArray(base) ? base : Array.isArray(dflt) ? dflt : []).map((item) => ({ ...(item as Doc) }));
    for (const item of given as Doc[]) {
      const at = out.findIndex((o) => o[key] === item[key]);
      if (at >= 0) out[at] = { ...out[at], ...item };
      else out.push({ ...item });
    }
    return out;
  }
  return clone(given);
}

/** Cross-member rules, and DMS's lower-case duplicate of HistoryTimeslotInMinutes kept in step. */
function finish(doc: Doc): Doc {
  const control = doc.ControlTablesSettings;
  if (isObject(control) && control.HistoryTimeslotInMinutes !== control.historyTimeslotInMinutes) {
    doc.ControlTablesSettings = { ...control, historyTimeslotInMinutes: control.HistoryTimeslotInMinutes };
  }
  const logging = doc.Logging;
  if (isObject(logging) && logging.EnableLogContext === true && logging.EnableLogging !== true) {
    throw invalidCombination('ReplicationTaskSettings: Logging.EnableLogContext needs Logging.EnableLogging set to true.');
  }
  const target = doc.TargetMetadata;
  if (isObject(target) && target.FullLobMode === true && target.LimitedSizeLobMode === true) {
    throw invalidCombination('ReplicationTaskSettings: TargetMetadata.FullLobMode and LimitedSizeLobMode cannot both be true; choose one LOB mode.');
  }
  return doc;
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** The closest name: the same one in another case, else one within a few edits. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  const same = candidates.find((c) => c.toLowerCase() === name.toLowerCase());
  if (same) return same;
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (!best || d < best.d) best = { c, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 4)) ? best.c : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The settings the engine acts on, from the merged document. */
export function toEngineSettings(doc: Doc): EngineSettings {
  const group = (name: string): Doc => (isObject(doc[name]) ? doc[name] : {});
  const target = group('TargetMetadata');
  const fullLoad = group('FullLoadSettings');
  const logging = group('Logging');
  const errors = group('ErrorBehavior');
  const openDms = group('OpenDmsSettings');
  const ddl = group('ChangeProcessingDdlHandlingPolicy');
  const components: Record<string, LogSeverity> = {};
  for (const c of (logging.LogComponents as { Id: string; Severity: LogSeverity }[] | undefined) ?? []) components[c.Id] = c.Severity;
  return {
    targetSchema: target.TargetSchema as string,
    supportLobs: target.SupportLobs as boolean,
    fullLobMode: target.FullLobMode as boolean,
    lobChunkSizeKb: target.LobChunkSize as number,
    limitedSizeLobMode: target.LimitedSizeLobMode as boolean,
    lobMaxSizeKb: target.LobMaxSize as number,
    targetTablePrepMode: fullLoad.TargetTablePrepMode as EngineSettings['targetTablePrepMode'],
    createPkAfterFullLoad: fullLoad.CreatePkAfterFullLoad as boolean,
    // Tasks stored before the group existed have none: false, DMS's behaviour.
    createSecondaryObjectsAfterFullLoad: openDms.CreateSecondaryObjectsAfterFullLoad === true,
    maxFullLoadSubTasks: fullLoad.MaxFullLoadSubTasks as number,
    commitRate: fullLoad.CommitRate as number,
    stopTaskCachedChangesNotApplied: fullLoad.StopTaskCachedChangesNotApplied === true,
    stopTaskCachedChangesApplied: fullLoad.StopTaskCachedChangesApplied === true,
    batchApply: target.BatchApplyEnabled === true,
    ddlHandling: {
      tableDropped: ddl.HandleSourceTableDropped !== false,
      tableTruncated: ddl.HandleSourceTableTruncated !== false,
      tableAltered: ddl.HandleSourceTableAltered !== false,
    },
    logging: { enabled: logging.EnableLogging as boolean, components },
    errorBehavior: {
      dataErrorPolicy: errors.DataErrorPolicy as EngineSettings['errorBehavior']['dataErrorPolicy'],
      dataTruncationErrorPolicy: errors.DataTruncationErrorPolicy as EngineSettings['errorBehavior']['dataTruncationErrorPolicy'],
      dataErrorEscalationCount: errors.DataErrorEscalationCount as number,
      dataErrorEscalationPolicy: errors.DataErrorEscalationPolicy as EngineSettings['errorBehavior']['dataErrorEscalationPolicy'],
      tableErrorPolicy: errors.TableErrorPolicy as EngineSettings['errorBehavior']['tableErrorPolicy'],
      failOnNoTablesCaptured: errors.FailOnNoTablesCaptured as boolean,
      recoverable: {
        count: typeof errors.RecoverableErrorCount === 'number' ? errors.RecoverableErrorCount : -1,
        intervalSeconds: typeof errors.RecoverableErrorInterval === 'number' ? errors.RecoverableErrorInterval : 5,
        throttling: errors.RecoverableErrorThrottling !== false,
        throttlingMaxSeconds: typeof errors.RecoverableErrorThrottlingMax === 'number' ? errors.RecoverableErrorThrottlingMax : 1800,
        stopAfterThrottlingMax: errors.RecoverableErrorStopRetryAfterThrottlingMax !== false,
      },
    },
  };
}

/** Settings OpenDMS cannot honour yet: a start is refused rather than silently ignoring them. */
export function unsupportedSettings(doc: Doc): string[] {
  const out: string[] = [];
  const validation = isObject(doc.ValidationSettings) ? doc.ValidationSettings : {};
  if (validation.EnableValidation === true) out.push('ValidationSettings.EnableValidation (data validation)');
  if (validation.ValidationOnly === true) out.push('ValidationSettings.ValidationOnly (validation-only tasks)');
  const tt = isObject(doc.TTSettings) ? doc.TTSettings : {};
  if (tt.EnableTT === true) out.push('TTSettings.EnableTT (Time Travel)');
  return out;
}
