/**
 * The source's WAL settings that logical replication depends on (DMS's PostgreSQL
 * assessments of the same names). OpenDMS streams changes with pgoutput from a logical
 * replication slot of its own (docs/architecture/07-change-data-capture.md).
 */
import type { IndividualAssessment } from '../../types.js';
import { failed, passed, warning } from '../../verdict.js';
import { bytesOf, msOf, pgSettings, pgSourceApplies, required, sizeText } from './pg-facts.js';

/** Where a PostgreSQL setting is changed, for advice. */
const whereToSet = 'in postgresql.conf (or with ALTER SYSTEM SET) and reload the configuration (SELECT pg_reload_conf()); on Amazon RDS and Aurora in the DB parameter group';

export const postgresCheckWallevel: IndividualAssessment = {
  name: 'postgres-check-wallevel',
  applies: pgSourceApplies({ cdc: true }),
  async run(ctx) {
    const s = required(await pgSettings(await ctx.source(), ['wal_level'], ctx.signal), 'wal_level');
    if (s.setting === 'logical') return passed('wal_level is logical: the source writes the WAL that logical replication decodes.', [{ object: 'wal_level', detail: 'logical' }]);
    return failed(
      `wal_level is ${s.setting}, but change data capture needs logical.`,
      'Set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL; on Amazon RDS and Aurora set rds.logical_replication = 1 in the DB parameter group and reboot the instance.',
      [{ object: 'wal_level', detail: `${s.setting} (needs logical)` }],
    );
  },
};

/** DMS's minimum for wal_sender_timeout: a shorter one ends the replication connection while a large transaction is decoded. */
const minimumWalSenderTimeoutMs = 10_000;

export const postgresCheckWalsenderstimeout: IndividualAssessment = {
  name: 'postgres-check-walsenderstimeout',
  applies: pgSourceApplies({ cdc: true }),
  async run(ctx) {
    const s = required(await pgSettings(await ctx.source(), ['wal_sender_timeout'], ctx.signal), 'wal_sender_timeout');
    const ms = msOf(s);
    const finding = [{ object: 'wal_sender_timeout', detail: ms === 0 ? '0 (disabled)' : `${ms} ms` }];
    if (ms === 0) return passed('wal_sender_timeout is 0: the server never ends an idle replication connection.', finding);
    if (ms >= minimumWalSenderTimeoutMs) return passed(`wal_sender_timeout is ${ms / 1000} s, at least the ${minimumWalSenderTimeoutMs / 1000} s change data capture needs.`, finding);
    return failed(
      `wal_sender_timeout is ${ms} ms, below the ${minimumWalSenderTimeoutMs / 1000} s change data capture needs: the server would end the task's replication connection while it waits for a large transaction.`,
      `Set wal_sender_timeout to at least 10s (the default is 60s, 0 disables it) ${whereToSet}.`,
      finding,
    );
  },
};

export const postgresCheckMaxslotWalKeepSize: IndividualAssessment = {
  name: 'postgres-check-maxslot-wal-keep-size',
  applies: pgSourceApplies({ cdc: true }),
  async run(ctx) {
    const s = (await pgSettings(await ctx.source(), ['max_slot_wal_keep_size'], ctx.signal)).get('max_slot_wal_keep_size');
    if (!s) return passed('The server has no max_slot_wal_keep_size (PostgreSQL before 13): a replication slot keeps its WAL until the task has read it.');
    const bytes = bytesOf(s);
    if (bytes < 0) return passed('max_slot_wal_keep_size is -1: a replication slot keeps its WAL until the task has read it.', [{ object: 'max_slot_wal_keep_size', detail: '-1 (unlimited)' }]);
    return warning(
      `max_slot_wal_keep_size is ${sizeText(bytes)}: when the task falls further behind than that (stopped, or slow), PostgreSQL removes WAL its slot still needs, and the task has to reload its tables (reload-target).`,
      `Set max_slot_wal_keep_size = -1 ${whereToSet}, or keep it above the WAL the source writes during the longest pause the task may take (and watch pg_replication_slots.wal_status).`,
      [{ object: 'max_slot_wal_keep_size', detail: sizeText(bytes) }],
    );
  },
};

/** PostgreSQL's default: a transaction that decodes to more than this spills to disk on the source. */
const defaultDecodingWorkMem = 64 * 1024 * 1024;

export const postgresCheckForLogicalDecodingWorkMem: IndividualAssessment = {
  name: 'postgres-check-for-logical-decoding-work-mem',
  applies: pgSourceApplies({ cdc: true }),
  async run(ctx) {
    const s = (await pgSettings(await ctx.source(), ['logical_decoding_work_mem'], ctx.signal)).get('logical_decoding_work_mem');
    if (!s) return passed('The server has no logical_decoding_work_mem (PostgreSQL before 13): decoding memory is not tunable there.');
    const bytes = bytesOf(s);
    const finding = [{ object: 'logical_decoding_work_mem', detail: sizeText(bytes) }];
    if (bytes >= defaultDecodingWorkMem) {
      return passed(`logical_decoding_work_mem is ${sizeText(bytes)}; raise it if the source has large or long transactions (they spill to disk while the task decodes them).`, finding);
    }
    return warning(
      `logical_decoding_work_mem is ${sizeText(bytes)}, below PostgreSQL's default of 64 MB: transactions larger than that are spilled to disk on the source while the task decodes them, which slows change data capture down.`,
      `Set logical_decoding_work_mem to at least 64MB (more for sources with large transactions) ${whereToSet}.`,
      finding,
    );
  },
};
