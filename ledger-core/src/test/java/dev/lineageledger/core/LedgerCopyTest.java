package dev.lineageledger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Ledger#copyTo}: between the backends in every direction, the copy holds the same record
 * bytes, signatures and signed checkpoints, verifies with the same key, answers the same
 * lookups and accepts appends; a source that does not verify is not copied.
 */
class LedgerCopyTest {
  @TempDir Path dir;
  final TestLedgers t = TestLedgers.keys();

  static Stream<Arguments> directions() {
    List<Arguments> a = new ArrayList<>();
    for (Backend from : Backend.values()) {
      for (Backend to : Backend.values()) {
        for (SigningMode mode : SigningMode.values()) {
          a.add(Arguments.of(from, to, mode));
        }
      }
    }
    return a.stream();
  }

  @ParameterizedTest(name = "{0} to {1}, {2}")
  @MethodSource("directions")
  void aCopyIsTheSameLedgerOnAnotherStore(Backend from, Backend to, SigningMode mode)
      throws Exception {
    String src = from.newLocation(dir);
    String dst = to.newLocation(dir);
    List<String> records = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    try (Ledger l = t.create(src, mode)) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
      TestLedgers.pipeline(l, 2);
      l.checkpoint();
      long[] seen = {0};
      VerificationReport report = l.copyTo(dst, t.options().build(), t.verifyOptions(),
          (done, total) -> seen[0] = done);
      assertThat(report.ok()).isTrue();
      assertThat(report.size()).isEqualTo(l.size());
      assertThat(seen[0]).isEqualTo(l.size());
      l.records(Ledger.Query.all()).forEach(r -> records.add(stored(r)));
      l.checkpoints().forEach(c -> notes.add(c.note().text()));
    }
    try (Ledger c = Ledger.open(dst, t.options().build())) {
      assertThat(c.origin()).isEqualTo(TestLedgers.ORIGIN);
      assertThat(c.records(Ledger.Query.all())).extracting(LedgerCopyTest::stored)
          .isEqualTo(records);
      assertThat(c.checkpoints()).extracting(s -> s.note().text()).isEqualTo(notes);
      assertThat(c.resolve("dataset:labels@v1").seq()).isEqualTo(1);
      assertThat(c.lineage(13, LineageDirection.UPSTREAM, 0).nodes().keySet())
          .contains(14L, 11L, 9L, 10L);
      c.append(TestLedgers.dataset("after-copy", "1", 99));
      c.checkpoint();
      assertThat(c.verify(t.verifyOptions()).ok()).isTrue();
    }
  }

  /** What is stored of a record: its bytes and its signature, byte for byte. */
  private static String stored(LedgerRecord r) {
    return r.seq() + " " + r.leafHash().hex() + " " + r.canonicalJson() + " "
        + r.signature().map(java.util.HexFormat.of()::formatHex).orElse("-");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aLedgerThatDoesNotVerifyIsNotCopied(Backend to) throws Exception {
    Path src = dir.resolve("tampered.ledger");
    try (Ledger l = t.create(src.toString(), SigningMode.CHECKPOINT_ONLY)) {
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + src);
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER records_no_update");
      s.execute("UPDATE records SET actor = 'mallory' WHERE seq = 3");
    }
    String dst = to.newLocation(dir);
    try (Ledger l = Ledger.open(src, LedgerOptions.readOnly())) {
      assertThatThrownBy(() -> l.copyTo(dst, t.options().build(), t.verifyOptions(), null))
          .isInstanceOf(LedgerVerificationException.class);
    }
    assertThatThrownBy(() -> Ledger.open(dst, LedgerOptions.readOnly()))
        .isInstanceOf(LedgerStorageException.class);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void anExistingDestinationIsRefused(Backend to) throws Exception {
    String src = dir.resolve("src.ledger").toString();
    String dst = to.newLocation(dir);
    try (Ledger existing = t.create(dst, SigningMode.CHECKPOINT_ONLY);
        Ledger l = t.create(src, SigningMode.CHECKPOINT_ONLY)) {
      existing.append(TestLedgers.dataset("keep-me", "1", 7));
      TestLedgers.pipeline(l, 1);
      l.checkpoint();
      assertThatThrownBy(() -> l.copyTo(dst, t.options().build(), t.verifyOptions(), null))
          .isInstanceOf(LedgerStorageException.class);
      assertThat(existing.size()).isEqualTo(1);
    }
  }
}
