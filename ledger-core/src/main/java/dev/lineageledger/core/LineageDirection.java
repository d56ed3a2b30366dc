package dev.lineageledger.core;

/** Which way a lineage closure walks the graph. */
public enum LineageDirection {
  /** What a record was derived from: datasets, transforms and models it depends on. */
  UPSTREAM,
  /** What depends on a record: everything derived from it, down to deployments. */
  DOWNSTREAM
}
