-- Lineage Ledger schema version 1. See docs/FORMAT.md "Storage".
-- Every column except records.body and records.sig is derived from the canonical bytes
-- and re-derived by verification; the database is never trusted on its own.

CREATE TABLE ledger_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE records (
  seq       INTEGER PRIMARY KEY,          -- 0-based position in the log, = leaf index
  leaf_hash BLOB NOT NULL,                -- SHA-256(0x00 || body)
  body      BLOB NOT NULL,                -- RFC 8785 canonical record bytes
  sig       BLOB,                         -- per-record Ed25519 signature, or NULL
  nodes     BLOB NOT NULL,                -- perfect subtree roots completed by this leaf, levels 1..t
  kind      TEXT NOT NULL,
  name      TEXT,
  version   TEXT,
  actor     TEXT NOT NULL,
  time      TEXT NOT NULL,
  signer    TEXT                          -- signed-note key name+id of the record signer
);
CREATE UNIQUE INDEX records_leaf_hash ON records(leaf_hash);
CREATE INDEX records_kind_name ON records(kind, name, version);
CREATE INDEX records_time ON records(time);

-- Lineage edges, derived from the references in each record body (record_seq declared them).
CREATE TABLE edges (
  record_seq INTEGER NOT NULL,
  src        INTEGER NOT NULL,
  dst        INTEGER NOT NULL,
  role       TEXT NOT NULL
);
CREATE INDEX edges_record ON edges(record_seq);
CREATE INDEX edges_src ON edges(src);
CREATE INDEX edges_dst ON edges(dst);

CREATE TABLE checkpoints (
  size    INTEGER PRIMARY KEY,
  root    BLOB NOT NULL,
  body    TEXT NOT NULL,                  -- C2SP tlog-checkpoint body
  created TEXT NOT NULL
);

CREATE TABLE checkpoint_signatures (
  id   INTEGER PRIMARY KEY,
  size INTEGER NOT NULL REFERENCES checkpoints(size),
  line TEXT NOT NULL,                     -- one signed-note signature line, without newline
  UNIQUE (size, line)
);

-- Append-only: the log never changes in place.
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: records cannot be updated'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: records cannot be deleted'); END;
CREATE TRIGGER edges_no_update BEFORE UPDATE ON edges
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: edges cannot be updated'); END;
CREATE TRIGGER edges_no_delete BEFORE DELETE ON edges
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: edges cannot be deleted'); END;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: checkpoints cannot be updated'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: checkpoints cannot be deleted'); END;
CREATE TRIGGER checkpoint_signatures_no_update BEFORE UPDATE ON checkpoint_signatures
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: checkpoint signatures cannot be updated'); END;
CREATE TRIGGER checkpoint_signatures_no_delete BEFORE DELETE ON checkpoint_signatures
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only: checkpoint signatures cannot be deleted'); END;

-- State that lives beside the chain, not inside it (e.g. Purview sync cursors). Mutable.
CREATE TABLE sync_state (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
