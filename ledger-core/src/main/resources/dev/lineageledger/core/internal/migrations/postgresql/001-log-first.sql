-- Lineage Ledger on PostgreSQL, schema version 1: the logical layout of the SQLite schema
-- version 2 (log first, index behind it), one ledger per schema. See docs/FORMAT.md §7.3.
-- Run with search_path set to the ledger's schema, inside the transaction that creates it.
-- Every column except records.body and records.sig is derived from the canonical bytes and
-- re-derived by verification; the database is never trusted on its own.

CREATE TABLE schema_version (
  id      integer PRIMARY KEY CHECK (id = 0),
  version integer NOT NULL
);

CREATE TABLE ledger_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);

-- The log: one row per record, appended in seq order; no other index, so that a commit
-- writes append-ordered pages only.
CREATE TABLE records (
  seq       bigint PRIMARY KEY,            -- 0-based position in the log, = leaf index
  leaf_hash bytea NOT NULL,                -- SHA-256(0x00 || body)
  body      bytea NOT NULL,                -- RFC 8785 canonical record bytes
  sig       bytea,                         -- per-record Ed25519 signature, or NULL
  nodes     bytea NOT NULL,                -- perfect subtree roots completed by this leaf, levels 1..t
  kind      text NOT NULL,
  name      text,
  version   text,
  actor     text NOT NULL,
  time      text COLLATE "C" NOT NULL,
  signer    text                           -- signed-note key name+id of the record signer
);

CREATE TABLE checkpoints (
  size    bigint PRIMARY KEY,
  root    bytea NOT NULL,
  body    text NOT NULL,                   -- C2SP tlog-checkpoint body
  created text NOT NULL
);

CREATE TABLE checkpoint_signatures (
  id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  size bigint NOT NULL REFERENCES checkpoints(size),
  line text NOT NULL,                      -- one signed-note signature line, without newline
  UNIQUE (size, line)
);

-- The index, derived from the log and filled behind it up to index_state.indexed_size.
CREATE TABLE record_index (
  seq     bigint PRIMARY KEY,
  kind    text NOT NULL,
  name    text,
  version text,
  time    text COLLATE "C" NOT NULL
);
CREATE INDEX record_index_name ON record_index(kind, name, version);
CREATE INDEX record_index_time ON record_index(time);

CREATE TABLE hash_index (
  leaf_hash bytea PRIMARY KEY,
  seq       bigint NOT NULL
);

CREATE TABLE edges (
  record_seq bigint NOT NULL,
  src        bigint NOT NULL,
  dst        bigint NOT NULL,
  role       text NOT NULL
);
CREATE INDEX edges_record ON edges(record_seq);
CREATE INDEX edges_src ON edges(src);
CREATE INDEX edges_dst ON edges(dst);

-- How far the index covers the log. Mutable; its row lock also serialises index catch-ups.
CREATE TABLE index_state (
  id           integer PRIMARY KEY CHECK (id = 0),
  indexed_size bigint NOT NULL
);
INSERT INTO index_state(id, indexed_size) VALUES (0, 0);

-- Sequencing: an append locks this one row (SELECT ... FOR UPDATE) before it reads the tail,
-- so appends of all writers are serialised and each sees the tail the previous one left.
CREATE TABLE write_lock (
  id integer PRIMARY KEY CHECK (id = 0)
);
INSERT INTO write_lock(id) VALUES (0);

-- State beside the chain, not inside it (e.g. Purview sync cursors). Mutable.
CREATE TABLE sync_state (
  name  text PRIMARY KEY,
  value text NOT NULL
);

-- Append-only for every client, the owner included: the log, the checkpoints and the index
-- rows never change in place, and the lock row never goes away. (A superuser can still
-- disable triggers: they are not a security boundary, verification is.)
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger is append-only: % of % refused', lower(TG_OP), TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoint_signatures_append_only BEFORE UPDATE OR DELETE ON checkpoint_signatures
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoint_signatures_no_truncate BEFORE TRUNCATE ON checkpoint_signatures
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER record_index_append_only BEFORE UPDATE OR DELETE ON record_index
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER hash_index_append_only BEFORE UPDATE OR DELETE ON hash_index
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER edges_append_only BEFORE UPDATE OR DELETE ON edges
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER write_lock_kept BEFORE UPDATE OR DELETE ON write_lock
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER write_lock_no_truncate BEFORE TRUNCATE ON write_lock
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
