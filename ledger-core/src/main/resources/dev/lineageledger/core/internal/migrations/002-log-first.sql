-- Lineage Ledger schema version 2: log first, index behind it. See docs/FORMAT.md §7.
-- A commit writes only the log (records, append-ordered by seq) and checkpoints. The lookups
-- below are derived from the log and filled behind it in large batches up to
-- index_state.indexed_size; the records after it are served from memory and indexed later.
-- The random-order secondary indexes of version 1 on records cost a dirtied page per record
-- per commit (benchmarks/ANALYSIS.md, figure 2).

DROP INDEX records_leaf_hash;
DROP INDEX records_kind_name;
DROP INDEX records_time;

-- kind:name@version and time lookups; columns copied from records (verification checks them).
CREATE TABLE record_index (
  seq     INTEGER PRIMARY KEY,
  kind    TEXT NOT NULL,
  name    TEXT,
  version TEXT,
  time    TEXT NOT NULL
);
CREATE INDEX record_index_name ON record_index(kind, name, version);
CREATE INDEX record_index_time ON record_index(time);

-- sha256:HASH lookups.
CREATE TABLE hash_index (
  leaf_hash BLOB PRIMARY KEY,
  seq       INTEGER NOT NULL
) WITHOUT ROWID;

-- How far the index (record_index, hash_index, edges) covers the log. Mutable, like sync_state.
CREATE TABLE index_state (
  id           INTEGER PRIMARY KEY CHECK (id = 0),
  indexed_size INTEGER NOT NULL
);

-- A version-1 file's edges already cover every record: index the rest of it the same way.
INSERT INTO record_index(seq, kind, name, version, time)
  SELECT seq, kind, name, version, time FROM records WHERE seq >= 0 ORDER BY seq;
INSERT OR IGNORE INTO hash_index(leaf_hash, seq) SELECT leaf_hash, seq FROM records WHERE seq >= 0;
INSERT INTO index_state(id, indexed_size) SELECT 0, coalesce(max(seq), -1) + 1 FROM records;

CREATE TRIGGER record_index_no_update BEFORE UPDATE ON record_index
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: index rows cannot be updated'); END;
CREATE TRIGGER record_index_no_delete BEFORE DELETE ON record_index
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: index rows cannot be deleted'); END;
CREATE TRIGGER hash_index_no_update BEFORE UPDATE ON hash_index
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: index rows cannot be updated'); END;
CREATE TRIGGER hash_index_no_delete BEFORE DELETE ON hash_index
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: index rows cannot be deleted'); END;
