/**
 * The binary log settings change data capture reads a MySQL or MariaDB source with
 * (connectors/mysql/cdc): the binlog on, row-based, full row images, a server id, and no
 * format OpenDMS cannot decode. Each check is one variable, as DMS splits them, made once
 * and named per prefix.
 */
import type { Finding, IndividualAssessment } from '../../types.js';
import { failed, passed } from '../../verdict.js';
import { globalVariables, isOn, mysqlSourceApplies, productOfPrefix, restartAdvice, type MysqlPrefix } from './mysql-facts.js';

export function binlogEnabled(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-binlog-enabled`,
    applies: mysqlSourceApplies(prefix, { cdc: true }),
    async run(ctx) {
      const v = await globalVariables(await ctx.source(), ['log_bin'], ctx.signal);
      const on = isOn(v.get('log_bin'));
      const finding = [{ object: 'log_bin', detail: on ? 'ON' : 'OFF' }];
      if (on) return passed('Binary logging is on (log_bin=ON): the source records the changes the task captures.', finding);
      return failed('Binary logging is off (log_bin=OFF): the source records no changes for the task to capture.', restartAdvice(['log_bin = mysql-bin', 'binlog_format = ROW', 'binlog_row_image = FULL', 'server_id = 1 (any number other than 0)']), finding);
    },
  };
}

export function binlogFormat(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-binlog-format`,
    applies: mysqlSourceApplies(prefix, { cdc: true }),
    async run(ctx) {
      const v = await globalVariables(await ctx.source(), ['binlog_format', 'log_bin'], ctx.signal);
      const format = (v.get('binlog_format') ?? '').toUpperCase() || '(not set)';
      const findings: Finding[] = [{ object: 'binlog_format', detail: format }];
      // DMS has no mariadb-check-binlog-enabled: a MariaDB source learns here that the binlog is off.
      const off = prefix === 'mariadb' && !isOn(v.get('log_bin'));
      if (off) findings.push({ object: 'log_bin', detail: 'OFF' });
      if (format === 'ROW' && !off) return passed('binlog_format is ROW: the binary log holds every changed row, as change data capture needs.', findings);
      const problems = [...(format !== 'ROW' ? [`binlog_format is ${format}, but change data capture needs ROW (statement-based entries do not say which rows changed)`] : []), ...(off ? ['binary logging is off (log_bin=OFF)'] : [])];
      return failed(`${problems.join('; ')}.`, restartAdvice([...(off ? ['log_bin = mysql-bin'] : []), 'binlog_format = ROW']), findings);
    },
  };
}

export function binlogImage(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-binlog-image`,
    applies: mysqlSourceApplies(prefix, { cdc: true }),
    async run(ctx) {
      const v = await globalVariables(await ctx.source(), ['binlog_row_image', 'binlog_row_value_options'], ctx.signal);
      // Servers older than the variable always log full rows.
      const image = (v.get('binlog_row_image') ?? 'FULL').toUpperCase();
      const options = v.get('binlog_row_value_options') ?? '';
      const findings: Finding[] = [{ object: 'binlog_row_image', detail: image }];
      const partialJson = /PARTIAL_JSON/i.test(options);
      if (partialJson) findings.push({ object: 'binlog_row_value_options', detail: options });
      if (image === 'FULL' && !partialJson) return passed('binlog_row_image is FULL: each change carries the whole row before and after.', findings);
      const problems = [
        ...(image !== 'FULL' ? [`binlog_row_image is ${image}, but change data capture needs FULL (a ${image} image leaves out the columns a change did not touch, which the target row then loses)`] : []),
        ...(partialJson ? ['binlog_row_value_options has PARTIAL_JSON: JSON updates are logged as patches without the whole value'] : []),
      ];
      return failed(`${problems.join('; ')}.`, restartAdvice([...(image !== 'FULL' ? ['binlog_row_image = FULL'] : []), ...(partialJson ? ["binlog_row_value_options = ''"] : [])]), findings);
    },
  };
}

export function serverId(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-server-id`,
    applies: mysqlSourceApplies(prefix, { cdc: true }),
    async run(ctx) {
      const v = await globalVariables(await ctx.source(), ['server_id'], ctx.signal);
      const id = Number(v.get('server_id') ?? 0);
      const finding = [{ object: 'server_id', detail: String(id) }];
      if (id >= 1) return passed(`server_id is ${id}: the source may serve a binary log dump.`, finding);
      return failed(`server_id is ${id}: a server with server_id 0 refuses the binary log dump change data capture reads.`, restartAdvice(['server_id = 1 (any number from 1 up, different from the other servers of its replication topology)']), finding);
    },
  };
}

/**
 * MySQL 8.0.20+ compresses whole transactions into one event (binlog_transaction_compression),
 * which OpenDMS cannot decode; MariaDB's log_bin_compress compresses each event with zlib,
 * which OpenDMS decodes.
 */
export function binlogCompression(prefix: MysqlPrefix): IndividualAssessment {
  return {
    name: `${prefix}-check-binlog-compression`,
    applies: mysqlSourceApplies(prefix, { cdc: true }),
    async run(ctx) {
      const source = await ctx.source();
      if (source.flavour === 'mariadb') {
        const v = await globalVariables(source, ['log_bin_compress'], ctx.signal);
        const on = isOn(v.get('log_bin_compress'));
        return passed(
          on ? 'log_bin_compress is ON: MariaDB compresses binary log events one by one, which OpenDMS decodes.' : 'Binary log compression is off (log_bin_compress=OFF).',
          [{ object: 'log_bin_compress', detail: on ? 'ON' : 'OFF' }],
        );
      }
      const v = await globalVariables(source, ['binlog_transaction_compression'], ctx.signal);
      const setting = v.get('binlog_transaction_compression');
      if (setting === undefined) return passed(`The ${productOfPrefix(prefix)} server has no binary log transaction compression (before 8.0.20).`);
      if (!isOn(setting)) return passed('Binary log transaction compression is off (binlog_transaction_compression=OFF).', [{ object: 'binlog_transaction_compression', detail: 'OFF' }]);
      return failed(
        'binlog_transaction_compression is ON: transactions are logged as compressed payloads, which change data capture cannot read.',
        'Run SET PERSIST binlog_transaction_compression = OFF (or set it in my.cnf and restart); on Amazon RDS and Aurora in the DB parameter group. Transactions logged while it was on cannot be captured: start the task after the change.',
        [{ object: 'binlog_transaction_compression', detail: 'ON' }],
      );
    },
  };
}
