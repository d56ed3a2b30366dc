package dev.lineageledger.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory for one benchmark trial's files, deleted afterwards. It lives under {@code
 * -Dbench.dataDir} (run.sh points it at benchmarks/target/bench-data, on the same disk as a
 * real ledger would be) or the system temp directory: never tmpfs-only assumptions, since the
 * fsync figures must hit a real disk.
 */
final class ScratchDir implements AutoCloseable {
  private final Path dir;

  private ScratchDir(Path dir) {
    this.dir = dir;
  }

  static Path root() {
    String d = System.getProperty("bench.dataDir");
    Path root = d != null ? Paths.get(d) : Paths.get(System.getProperty("java.io.tmpdir"));
    try {
      return Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ScratchDir create(String prefix) {
    try {
      return new ScratchDir(Files.createTempDirectory(root(), prefix));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path resolve(String name) {
    return dir.resolve(name);
  }

  @Override
  public void close() {
    delete(dir);
  }

  static void delete(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
