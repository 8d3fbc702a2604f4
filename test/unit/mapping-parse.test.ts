/** parseTableMappings: every problem of a TableMappings document is refused up front, naming the rule. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MappingError, parseTableMappings } from '../../src/engine/mapping/index.js';
import { doc, include, parseFails, selection, settings, transform } from './mapping-fixtures.js';

const SEL = include(1, 'public', '%');
const COL = { 'schema-name': 'public', 'table-name': 'users', 'column-name': 'name' };
const TBL = { 'schema-name': 'public', 'table-name': 'users' };

describe('parseTableMappings: the document', () => {
  it('reads a valid document into typed rules', () => {
    const m = parseTableMappings(
      doc(
        include(1, 'public', 'users', { 'load-order': '2', filters: [{ 'filter-type': 'source', 'column-name': 'id', 'filter-conditions': [{ 'filter-operator': 'ste', value: 10 }] }] }),
        transform(2, 'table', 'rename', TBL, { value: 'people' }),
        settings(3, 'public', 'users', { 'lob-settings': { mode: 'limited', 'bulk-max-size': '64' } }),
      ),
    );
    assert.deepEqual(m.rules, [
      { ruleId: '1', ruleName: '1', ruleType: 'selection', ruleAction: 'include', objectLocator: { schemaName: 'public', tableName: 'users' }, loadOrder: 2, filters: [{ column: 'id', conditions: [{ op: 'lte', value: '10' }] }] },
      { ruleId: '2', ruleName: '2', ruleType: 'transformation', ruleTarget: 'table', ruleAction: 'rename', objectLocator: { schemaName: 'public', tableName: 'users' }, value: 'people' },
      { ruleId: '3', ruleName: '3', ruleType: 'table-settings', objectLocator: { schemaName: 'public', tableName: 'users' }, lobSettings: { mode: 'limited', bulkMaxSizeKb: 64 } },
    ]);
  });

  it('accepts numbers written as numbers or strings, and the console\'s nulls', () => {
    const m = parseTableMappings(
      JSON.stringify({
        rules: [
          { 'rule-type': 'selection', 'rule-id': 7, 'rule-name': 7, 'object-locator': { 'schema-name': 's', 'table-name': 't' }, 'rule-action': 'include', 'load-order': 3, filters: [] },
          { 'rule-type': 'transformation', 'rule-id': '8', 'rule-name': 'lower', 'rule-target': 'schema', 'object-locator': { 'schema-name': '%' }, 'rule-action': 'convert-lowercase', value: null, 'old-value': null },
        ],
      }),
    );
    assert.equal(m.rules[0]?.ruleId, '7');
    assert.equal(m.rules[0]?.ruleName, '7');
    assert.equal(m.rules[0]?.ruleType === 'selection' && m.rules[0].loadOrder, 3);
    assert.equal(m.rules[1]?.ruleName, 'lower');
  });

  it('defaults rule-name to the rule id', () => {
    const m = parseTableMappings(JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '4', 'object-locator': { 'schema-name': 's', 'table-name': 't' }, 'rule-action': 'include' }] }));
    assert.equal(m.rules[0]?.ruleName, '4');
  });

  it('refuses malformed JSON', () => {
    parseFails('{"rules": [', [/^TableMappings is not valid JSON/]);
    parseFails('', [/not valid JSON/]);
  });

  it('refuses a document that is not an object with rules', () => {
    parseFails('[]', [/must be a JSON object \{"rules": \[\.\.\.\]\}, got an array/]);
    parseFails('{}', [/has no 'rules'/]);
    parseFails('{"rules": {}}', [/'rules' must be an array, got an object/]);
    parseFails('{"rules": [], "rulez": []}', [/unknown member 'rulez'/]);
  });

  it('needs at least one include or explicit selection rule', () => {
    parseFails('{"rules": []}', [/no selection rule; add at least one/]);
    parseFails(doc(transform(1, 'schema', 'convert-lowercase', { 'schema-name': '%' })), [/no selection rule/]);
    parseFails(doc(selection(1, 'exclude', { 'schema-name': 's', 'table-name': 't' })), [/only exclude selection rules/]);
  });

  it('refuses a rule that is not an object', () => {
    parseFails('{"rules": [42]}', [/^rules\[0\] must be a JSON object \(a rule\), got number 42/]);
  });
});

describe('parseTableMappings: rule ids, types and members', () => {
  it('refuses a missing or non-numeric rule-id, naming the rule position', () => {
    parseFails(JSON.stringify({ rules: [{ 'rule-type': 'selection' }] }), [/^rules\[0\] \(no valid rule-id\): 'rule-id' is missing/]);
    parseFails(doc(SEL, { ...include(2, 's', 't'), 'rule-id': 'abc' }), [/^rules\[1\] \(no valid rule-id\): 'rule-id' must be an integer .* got string "abc"/]);
    parseFails(doc({ ...SEL, 'rule-id': -1 }), [/'rule-id' must be at least 0, got -1/]);
  });

  it('refuses duplicate rule ids, also when one is a number and one a string', () => {
    const e = parseFails(doc(SEL, { ...include(1, 's', 't'), 'rule-name': 'second' }), [/rule-id 1 is used twice \(also by rule-name '1'\)/]);
    assert.equal(e.ruleId, '1');
    parseFails(doc(SEL, { ...include(2, 's', 't'), 'rule-id': 1 }), [/rule-id 1 is used twice/]);
  });

  it('refuses an unknown or missing rule-type', () => {
    parseFails(doc(SEL, { ...include(2, 's', 't'), 'rule-type': 'selektion' }), [/rule-type 'selektion' is not valid for a rule; use selection, transformation or table-settings \(did you mean 'selection'\?\)/], '2');
    const { 'rule-type': _drop, ...noType } = include(2, 's', 't');
    parseFails(doc(SEL, noType), [/'rule-type' is missing/], '2');
    parseFails(doc(SEL, { ...include(3, 's', 't'), 'rule-type': 'post-processing' }), [/rule-type 'post-processing' is not supported by OpenDMS: it tags objects on Amazon S3 targets/], '3');
  });

  it('names unknown members (and the one probably meant)', () => {
    parseFails(doc({ ...include(3, 's', 't'), 'rule-name': 'r3', 'load-ordr': 1 }), [/^rule 3 \(rule-name 'r3'\): unknown member 'load-ordr' \(did you mean 'load-order'\?\); a selection rule takes/], '3');
    parseFails(doc(include(1, 's', 't'), selection(2, 'include', { 'schema-name': 's', 'table-name': 't', 'table-typ': 'view' })), [/unknown member 'object-locator\.table-typ' \(did you mean 'table-type'\?\)/], '2');
    parseFails(doc(SEL, transform(2, 'table', 'rename', TBL, { value: 'x', valeu: 'y' })), [/unknown member 'valeu' \(did you mean 'value'\?\)/], '2');
  });

  it('refuses values of the wrong type', () => {
    parseFails(doc(selection(1, 'include', { 'schema-name': 5, 'table-name': 't' })), [/'object-locator\.schema-name' must be a string, got number 5/], '1');
    parseFails(doc({ ...selection(1, 'include', {}), 'object-locator': 'public' }), [/'object-locator' must be a JSON object, got string "public"/], '1');
    parseFails(doc(include(1, 's', 't', { filters: [{ 'column-name': 'id', 'filter-conditions': ['eq'] }] })), [/'filters\[0\]\.filter-conditions\[0\]' must be a JSON object, got string "eq"/], '1');
    parseFails(doc(SEL, transform(2, 'table', 'rename', TBL, { value: 12 })), [/'value' must be a string, got number 12/], '2');
    parseFails(doc({ ...SEL, 'rule-name': ['x'] }), [/^rule 1: 'rule-name' must be a non-empty string, got an array/]);
    parseFails(doc({ ...SEL, filters: {} }), [/'filters' must be an array, got an object/], '1');
  });
});

describe('parseTableMappings: selection rules', () => {
  it('refuses an unknown rule-action with the fix (the brief\'s example)', () => {
    const e = parseFails(doc({ ...include(3, 's', 't'), 'rule-name': 'r3', 'rule-action': 'inclde' }), [], '3');
    assert.equal(e.message, "rule 3 (rule-name 'r3'): rule-action 'inclde' is not valid for a selection rule; use include, exclude or explicit (did you mean 'include'?)");
  });

  it('needs an object-locator with schema-name and table-name', () => {
    const { 'object-locator': _drop, ...noLoc } = include(1, 's', 't');
    parseFails(doc(noLoc), [/'object-locator' is missing/], '1');
    parseFails(doc(selection(1, 'include', { 'schema-name': 's' })), [/'object-locator\.table-name' is missing; use '%' for every table/], '1');
    parseFails(doc(selection(1, 'include', { 'schema-name': '', 'table-name': 't' })), [/'object-locator\.schema-name' must not be empty/], '1');
  });

  it('refuses a bad table-type', () => {
    parseFails(doc(selection(1, 'include', { 'schema-name': 's', 'table-name': 't', 'table-type': 'views' })), [/object-locator\.table-type 'views' is not valid for table-type; use table, view or all/], '1');
  });

  it('refuses wildcards in explicit rules', () => {
    parseFails(doc(selection(1, 'explicit', { 'schema-name': 's', 'table-name': 't%' })), [/explicit selection rule names exactly one object.*wildcard '%'/], '1');
  });

  it('refuses a load-order that is not an integer, accepts one written as a string', () => {
    parseFails(doc(include(1, 's', 't', { 'load-order': '2.5' })), [/'load-order' must be an integer .* got string "2\.5"/], '1');
    parseFails(doc(include(1, 's', 't', { 'load-order': 'first' })), [/'load-order' must be an integer/], '1');
    parseFails(doc(include(1, 's', 't', { 'load-order': true })), [/'load-order' must be an integer .* got boolean true/], '1');
    parseFails(doc(include(1, 's', 't', { 'load-order': -3 })), [/'load-order' must be at least 0/], '1');
    parseFails(doc(include(1, 's', 't', { 'load-order': 2147483648 })), [/'load-order' must be at most 2147483647/], '1');
    const m = parseTableMappings(doc(include(1, 's', 't', { 'load-order': ' 12 ' })));
    assert.equal(m.rules[0]?.ruleType === 'selection' && m.rules[0].loadOrder, 12);
  });
});

describe('parseTableMappings: filters', () => {
  const filter = (conditions: unknown[], extra: Record<string, unknown> = {}) => ({ 'filter-type': 'source', 'column-name': 'id', 'filter-conditions': conditions, ...extra });

  it('reads every operator, ste as lte, numbers as strings', () => {
    const m = parseTableMappings(
      doc(
        include(1, 's', 't', {
          filters: [
            filter([
              { 'filter-operator': 'eq', value: '1' },
              { 'filter-operator': 'lte', value: 2 },
              { 'filter-operator': 'ste', value: '3' },
              { 'filter-operator': 'gte', value: 4.5 },
              { 'filter-operator': 'between', 'start-value': '5', 'end-value': '6' },
              { 'filter-operator': 'null' },
            ]),
            filter([{ 'filter-operator': 'noteq', value: 'x' }]),
            filter([{ 'filter-operator': 'notbetween', 'start-value': '2002-01-01', 'end-value': '2003-01-01' }]),
            { 'column-name': 'd', 'filter-conditions': [{ 'filter-operator': 'notnull' }] },
          ],
        }),
      ),
    );
    const rule = m.rules[0];
    assert.ok(rule?.ruleType === 'selection');
    assert.deepEqual(rule.filters, [
      { column: 'id', conditions: [{ op: 'eq', value: '1' }, { op: 'lte', value: '2' }, { op: 'lte', value: '3' }, { op: 'gte', value: '4.5' }, { op: 'between', start: '5', end: '6' }, { op: 'null' }] },
      { column: 'id', conditions: [{ op: 'noteq', value: 'x' }] },
      { column: 'id', conditions: [{ op: 'notbetween', start: '2002-01-01', end: '2003-01-01' }] },
      { column: 'd', conditions: [{ op: 'notnull' }] },
    ]);
  });

  it('refuses filters on exclude and explicit rules', () => {
    parseFails(doc(SEL, selection(2, 'exclude', { 'schema-name': 's', 'table-name': 't' }, { filters: [filter([{ 'filter-operator': 'null' }])] })), [/filters are only applied by include rules, but this rule's rule-action is 'exclude'/], '2');
    parseFails(doc(selection(2, 'explicit', { 'schema-name': 's', 'table-name': 't' }, { filters: [filter([{ 'filter-operator': 'null' }])] })), [/rule-action is 'explicit'/], '2');
  });

  it('accepts an empty filters array on any rule', () => {
    parseTableMappings(doc(SEL, selection(2, 'exclude', { 'schema-name': 's', 'table-name': 't' }, { filters: [] })));
  });

  it('refuses filters on a table-name with the % wildcard, but not on names with underscores', () => {
    parseFails(doc(include(1, 's', 'emp%', { filters: [filter([{ 'filter-operator': 'null' }])] })), [/filters need an exact schema and table name.*table-name 'emp%'/], '1');
    parseTableMappings(doc(include(1, 's', 'order_items', { filters: [filter([{ 'filter-operator': 'null' }])] })));
  });

  it('refuses bad operators and missing or extra values', () => {
    const fails = (conds: unknown[], re: RegExp) => parseFails(doc(include(1, 's', 't', { filters: [filter(conds)] })), [re], '1');
    fails([{ 'filter-operator': 'like', value: 'x' }], /filters\[0\]\.filter-conditions\[0\]\.filter-operator 'like' is not valid for a filter condition; use eq, noteq, lte, ste, gte, between, notbetween, null or notnull/);
    fails([{ value: 'x' }], /'filters\[0\]\.filter-conditions\[0\]\.filter-operator' is missing/);
    fails([{ 'filter-operator': 'eq' }], /'filters\[0\]\.filter-conditions\[0\]\.value' is missing; filter-operator 'eq' needs a 'value'/);
    fails([{ 'filter-operator': 'between', 'start-value': '1' }], /'filters\[0\]\.filter-conditions\[0\]\.end-value' is missing; filter-operator 'between' needs 'start-value' and 'end-value'/);
    fails([{ 'filter-operator': 'between', value: '1' }], /unknown member 'filters\[0\]\.filter-conditions\[0\]\.value'/);
    fails([{ 'filter-operator': 'null', value: '1' }], /unknown member .*value'.*filter-operator 'null' \(it takes no value\)/);
    fails([{ 'filter-operator': 'eq', value: true }], /value' must be a string \(or a number/);
    fails([{ 'filter-operator': 'eq', value: 1e21 }], /write it as a string/);
    fails([], /'filters\[0\]\.filter-conditions' is empty/);
  });

  it('refuses a negative operator combined with other conditions in one filter', () => {
    parseFails(doc(include(1, 's', 't', { filters: [filter([{ 'filter-operator': 'noteq', value: '1' }, { 'filter-operator': 'eq', value: '2' }])] })), [/negative operator 'noteq' with other conditions; .*put it in a filter of its own/], '1');
  });

  it('refuses a filter without column-name or with another filter-type', () => {
    parseFails(doc(include(1, 's', 't', { filters: [{ 'filter-conditions': [{ 'filter-operator': 'null' }] }] })), [/'filters\[0\]\.column-name' is missing/], '1');
    parseFails(doc(include(1, 's', 't', { filters: [filter([{ 'filter-operator': 'null' }], { 'filter-type': 'target' })] })), [/'filters\[0\]\.filter-type' 'target' is not valid; use source/], '1');
    parseFails(doc(include(1, 's', 't', { filters: [filter([{ 'filter-operator': 'null' }], { 'filter-conditions': undefined, conditions: [] })] })), [/unknown member 'filters\[0\]\.conditions'/], '1');
  });
});

describe('parseTableMappings: transformation rules', () => {
  const fails = (rule: Record<string, unknown>, re: RegExp) => parseFails(doc(SEL, rule), [re], '2');

  it('refuses an action the rule-target does not have, saying where it belongs', () => {
    fails(transform(2, 'table', 'remove-column', TBL), /rule-action 'remove-column' is not valid for rule-target table \(it is an action of rule-target column\); use rename, .* or define-primary-key/);
    fails(transform(2, 'schema', 'define-primary-key', { 'schema-name': 's' }), /not valid for rule-target schema \(it is an action of rule-target table\)/);
    fails(transform(2, 'column', 'renam', COL, { value: 'x' }), /rule-action 'renam' is not valid for rule-target column; .*\(did you mean 'rename'\?\)/);
    fails(transform(2, 'row', 'rename', COL, { value: 'x' }), /rule-target 'row' is not valid for a transformation rule; use schema, table, column, table-tablespace or index-tablespace/);
  });

  it('refuses actions OpenDMS does not perform, with the reason', () => {
    fails(transform(2, 'column', 'add-before-image-columns', TBL), /'add-before-image-columns' is not supported by OpenDMS: it serves CDC to streaming targets/);
    fails(transform(2, 'column', 'data-masking-hash-mask', COL), /data masking is not implemented/);
  });

  it('needs the value of rename and the prefix/suffix actions', () => {
    fails(transform(2, 'table', 'rename', TBL), /'value' is missing; rule-action 'rename' needs the new name in 'value'/);
    fails(transform(2, 'table', 'rename', TBL, { value: '' }), /'value' must not be empty/);
    fails(transform(2, 'schema', 'add-prefix', { 'schema-name': 's' }), /'value' is missing; rule-action 'add-prefix' needs the prefix to add/);
    fails(transform(2, 'column', 'add-suffix', COL), /'value' is missing; rule-action 'add-suffix' needs the suffix to add/);
    fails(transform(2, 'table', 'remove-prefix', TBL), /'value' is missing; rule-action 'remove-prefix' needs the prefix to remove/);
    fails(transform(2, 'table', 'remove-suffix', TBL, { value: null }), /'value' is missing; rule-action 'remove-suffix'/);
  });

  it('needs old-value (and value) for replace-prefix and replace-suffix', () => {
    fails(transform(2, 'column', 'replace-prefix', COL, { value: 'New_' }), /'old-value' is missing; rule-action 'replace-prefix' needs the prefix to replace in 'old-value'/);
    fails(transform(2, 'column', 'replace-suffix', COL, { value: '_new' }), /'old-value' is missing; rule-action 'replace-suffix' needs the suffix to replace/);
    fails(transform(2, 'column', 'replace-suffix', COL, { 'old-value': '_old' }), /'value' is missing; rule-action 'replace-suffix' needs the new suffix/);
    // An empty new prefix is allowed (it removes the old one).
    parseTableMappings(doc(SEL, transform(2, 'column', 'replace-prefix', COL, { value: '', 'old-value': 'x_' })));
  });

  it('refuses members the action has no use for', () => {
    fails(transform(2, 'table', 'convert-lowercase', TBL, { value: 'x' }), /'value' has no meaning for rule-action 'convert-lowercase'; remove it/);
    fails(transform(2, 'table', 'add-prefix', TBL, { value: 'x', 'old-value': 'y' }), /'old-value' has no meaning for rule-action 'add-prefix'/);
    fails(transform(2, 'column', 'rename', COL, { value: 'x', expression: '$a' }), /'expression' has no meaning for rule-action 'rename'/);
    fails(transform(2, 'column', 'rename', COL, { value: 'x', 'data-type': { type: 'int4' } }), /'data-type' has no meaning for rule-action 'rename'/);
  });

  it('checks object-locator members for the rule-target', () => {
    fails(transform(2, 'schema', 'rename', { 'schema-name': 's', 'table-name': 't' }, { value: 'x' }), /unknown member 'object-locator\.table-name'; the object-locator of a schema transformation takes 'schema-name'/);
    fails(transform(2, 'table', 'rename', { 'schema-name': 's' }, { value: 'x' }), /'object-locator\.table-name' is missing/);
    fails(transform(2, 'column', 'rename', TBL, { value: 'x' }), /'object-locator\.column-name' is missing; use '%' for every column/);
    fails(transform(2, 'column', 'add-column', COL, { value: 'x', 'data-type': { type: 'int4' } }), /unknown member 'object-locator\.column-name'.*add-column names the new column in value/);
  });

  it('change-data-type needs a valid data-type', () => {
    fails(transform(2, 'column', 'change-data-type', COL), /'data-type' is missing; rule-action 'change-data-type' needs one/);
    fails(transform(2, 'column', 'change-data-type', COL, { 'data-type': { type: 'varchar2' } }), /'data-type\.type' 'varchar2' is not a DMS data type; use one of string, wstring/);
    fails(transform(2, 'column', 'change-data-type', COL, { 'data-type': { type: 'string' } }), /'data-type\.length' is missing; type string needs a length/);
    fails(transform(2, 'column', 'change-data-type', COL, { 'data-type': { type: 'int4', length: 4 } }), /'data-type\.length' has no meaning for type int4/);
    fails(transform(2, 'column', 'change-data-type', COL, { 'data-type': { type: 'numeric', precision: 5, scale: 7 } }), /'data-type\.scale' \(7\) must not be more than the precision \(5\)/);
    fails(transform(2, 'column', 'change-data-type', COL, { 'data-type': { type: 'numeric', scale: 2 } }), /'data-type\.scale' needs a precision too/);
    fails(transform(2, 'column', 'change-data-type', COL, { 'data-type': { type: 'datetime', precision: 9 } }), /datetime fractional seconds 9 is more than PostgreSQL and MySQL keep \(6\)/);
    fails(transform(2, 'column', 'change-data-type', COL, { 'data-type': { type: 'string', length: '0' } }), /'data-type\.length' must be at least 1/);
    fails(transform(2, 'column', 'change-data-type', COL, { 'data-type': { type: 'string', length: 5, size: 1 } }), /unknown member 'data-type\.size'/);
    parseTableMappings(doc(SEL, transform(2, 'column', 'change-data-type', COL, { 'data-type': { type: 'NUMERIC', precision: '10', scale: '2' } })));
  });

  it('add-column needs a column name in value and a data-type', () => {
    fails(transform(2, 'column', 'add-column', TBL, { 'data-type': { type: 'int4' } }), /'value' is missing; rule-action 'add-column' needs the name of the new column in 'value'/);
    fails(transform(2, 'column', 'add-column', TBL, { value: 'created' }), /'data-type' is missing; rule-action 'add-column' needs one/);
  });

  it('define-primary-key needs a primary-key-def with columns', () => {
    fails(transform(2, 'table', 'define-primary-key', TBL), /'primary-key-def' is missing; define-primary-key needs \{"name": "\.\.\.", "columns": \["\.\.\."\]\}/);
    fails(transform(2, 'table', 'define-primary-key', TBL, { 'primary-key-def': { name: 'pk', columns: [] } }), /'primary-key-def\.columns' is empty/);
    fails(transform(2, 'table', 'define-primary-key', TBL, { 'primary-key-def': { columns: ['a'] } }), /'primary-key-def\.name' is missing/);
    fails(transform(2, 'table', 'define-primary-key', TBL, { 'primary-key-def': { name: 'pk', columns: ['a', 'a'] } }), /lists column 'a' twice/);
    fails(transform(2, 'table', 'define-primary-key', TBL, { 'primary-key-def': { name: 'pk', origin: 'unique-index', columns: ['a'] } }), /origin' 'unique-index' is not supported by OpenDMS yet/);
  });

  it('accepts Oracle tablespace renames (ignored later)', () => {
    parseTableMappings(doc(SEL, transform(2, 'table-tablespace', 'rename', { 'schema-name': 's', 'table-name': 't', 'table-tablespace-name': 'ts' }, { value: 'x' })));
    fails(transform(2, 'index-tablespace', 'convert-lowercase', { 'schema-name': 's', 'table-name': 't', 'index-tablespace-name': 'ts' }), /not valid for rule-target index-tablespace \(it is an action of rule-target schema, table or column\); use rename/);
  });
});

describe('parseTableMappings: table-settings rules', () => {
  const fails = (extra: Record<string, unknown>, re: RegExp, schema = 'public', tableName = 'sales') => parseFails(doc(SEL, settings(2, schema, tableName, extra)), [re], '2');

  it('reads ranges, partitions-auto, none and lob-settings', () => {
    const m = parseTableMappings(
      doc(
        SEL,
        settings(2, 's', 'a', { 'parallel-load': { type: 'ranges', columns: ['id', 'region'], boundaries: [['1000', 'NORTH'], [3000, 'WEST']] } }),
        settings(3, 's', 'b', { 'parallel-load': { type: 'partitions-auto' }, 'lob-settings': { mode: 'unlimited', 'bulk-max-size': '0' } }),
        settings(4, 's', 'c', { 'parallel-load': { type: 'none' }, 'lob-settings': { 'bulk-max-size': 100000 } }),
      ),
    );
    assert.deepEqual(
      m.rules.slice(1).map((r) => r.ruleType === 'table-settings' && [r.parallelLoad, r.lobSettings]),
      [
        [{ type: 'ranges', columns: ['id', 'region'], boundaries: [['1000', 'NORTH'], ['3000', 'WEST']] }, undefined],
        [{ type: 'partitions-auto' }, { mode: 'unlimited', bulkMaxSizeKb: 0 }],
        [{ type: 'none' }, { mode: 'limited', bulkMaxSizeKb: 100000 }],
      ],
    );
  });

  it('needs an exact schema and table name', () => {
    fails({ 'lob-settings': { mode: 'unlimited' } }, /exact schema and table name required when using table settings rule.*table-name '%'/, 'public', '%');
    fails({ 'lob-settings': { mode: 'unlimited' } }, /exact schema and table name required/, 'p%', 'sales');
  });

  it('refuses parallel-load types other than ranges, partitions-auto and none', () => {
    fails({ 'parallel-load': { type: 'partitions-list', partitions: ['a'] } }, /'parallel-load\.type' 'partitions-list' is not valid here: loading a chosen list of partitions is not supported/);
    fails({ 'parallel-load': { type: 'subpartitions-auto' } }, /'subpartitions-auto' is not valid here: it is for Oracle sources only/);
    fails({ 'parallel-load': { type: 'range' } }, /parallel-load\.type 'range' is not valid for PostgreSQL and MySQL sources; use ranges, partitions-auto or none \(did you mean 'ranges'\?\)/);
    fails({ 'parallel-load': { type: 'partitions-auto', 'number-of-partitions': 16 } }, /unknown member 'parallel-load\.number-of-partitions'.*MongoDB/);
  });

  it('checks ranges: columns, boundaries and their tuple sizes', () => {
    fails({ 'parallel-load': { type: 'ranges', boundaries: [['1']] } }, /'parallel-load\.columns' is missing/);
    fails({ 'parallel-load': { type: 'ranges', columns: ['id'] } }, /'parallel-load\.boundaries' is missing; give at least one boundary tuple such as \["1000"\]/);
    fails({ 'parallel-load': { type: 'ranges', columns: ['id', 'region'], boundaries: [['1', 'N'], ['2']] } }, /'parallel-load\.boundaries\[1\]' has 1 value\(s\) but 'parallel-load\.columns' has 2 \(id, region\)/);
    fails({ 'parallel-load': { type: 'ranges', columns: ['id'], boundaries: ['1'] } }, /'parallel-load\.boundaries\[0\]' must be an array of 1 value/);
    fails({ 'parallel-load': { type: 'ranges', columns: ['id', 'id'], boundaries: [['1', '2']] } }, /lists column 'id' twice/);
    fails({ 'parallel-load': { type: 'ranges', columns: Array.from({ length: 11 }, (_, i) => `c${i}`), boundaries: [] } }, /lists 11 columns; DMS allows at most 10/);
    fails({ 'parallel-load': { type: 'ranges', columns: ['id'], boundaries: [[null]] } }, /'parallel-load\.boundaries\[0\]\[0\]' must be a string/);
  });

  it('checks lob-settings', () => {
    fails({ 'lob-settings': { mode: 'full' } }, /lob-settings\.mode 'full' is not valid for lob-settings; use limited, unlimited or none/);
    fails({ 'lob-settings': { mode: 'limited' } }, /limited LOB mode needs a nonzero 'lob-settings\.bulk-max-size'/);
    fails({ 'lob-settings': { mode: 'limited', 'bulk-max-size': '0' } }, /nonzero .* got 0/);
    fails({ 'lob-settings': { mode: 'unlimited', 'bulk-max-size': 'big' } }, /'lob-settings\.bulk-max-size' must be an integer/);
    fails({ 'lob-settings': { mode: 'unlimited', 'bulk-max-size': -1 } }, /must be at least 0/);
  });

  it('needs parallel-load or lob-settings', () => {
    fails({}, /a table-settings rule needs 'parallel-load' or 'lob-settings'/);
    fails({ 'filter-settings': {} }, /unknown member 'filter-settings'/);
  });
});

it('MappingError carries the rule id', () => {
  try {
    parseTableMappings(doc(SEL, transform(9, 'table', 'rename', TBL)));
    assert.fail('expected an error');
  } catch (err) {
    assert.ok(err instanceof MappingError);
    assert.equal(err.ruleId, '9');
    assert.equal(err.name, 'MappingError');
  }
});
