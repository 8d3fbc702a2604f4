/**
 * Forward-only schema migrations of the embedded store. Append a new entry; never edit or
 * reorder an applied one. `user_version` records how many have run.
 */
export const migrations: readonly string[] = [
  // 1: resources as JSON documents, one kind per aggregate; tags; events; scheduled jobs.
  `
  CREATE TABLE resources (
    arn        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    account    TEXT NOT NULL,
    region     TEXT NOT NULL,
    identifier TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    data       TEXT NOT NULL
  );
  CREATE UNIQUE INDEX resources_identifier ON resources(kind, account, region, identifier);
  CREATE INDEX resources_kind_seq ON resources(kind, account, region, seq);
  CREATE TABLE tags (
    arn   TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (arn, key)
  );
  CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account     TEXT NOT NULL,
    region      TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    source_arn  TEXT NOT NULL,
    categories  TEXT NOT NULL,
    message     TEXT NOT NULL,
    date_ms     INTEGER NOT NULL
  );
  CREATE INDEX events_scope_date ON events(account, region, date_ms);
  CREATE TABLE jobs (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT NOT NULL,
    key      TEXT NOT NULL,
    due_ms   INTEGER NOT NULL,
    payload  TEXT NOT NULL
  );
  CREATE UNIQUE INDEX jobs_kind_key ON jobs(kind, key);
  CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  `,
];
