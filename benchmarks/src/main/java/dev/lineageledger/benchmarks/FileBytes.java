package dev.lineageledger.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Bytes a ledger occupies on disk: its SQLite file and whatever SQLite left beside it (the
 * write-ahead log and its shared-memory index; a rollback journal after a crash).
 */
final class FileBytes {
  static final List<String> SUFFIXES = List.of("", "-wal", "-shm", "-journal");

  private FileBytes() {}

  /** The size of {@code ledger + suffix}, 0 if there is no such file. */
  static long of(Path ledger, String suffix) {
    Path p = ledger.resolveSibling(ledger.getFileName() + suffix);
    try {
      return Files.exists(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long total(Path ledger) {
    long n = 0;
    for (String s : SUFFIXES) {
      n += of(ledger, s);
    }
    return n;
  }
}
