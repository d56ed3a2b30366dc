package dev.lineageledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lineageledger.core.LedgerRecord;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A canned event posted with Python's standard library, as openlineage-python sends it. */
class PythonClientTest {
  @TempDir Path dir;

  @Test
  void pythonPostedEventIsRecordedOnce() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
    Path script = dir.resolve("emit.py");
    try (InputStream in = getClass().getResourceAsStream("/python/emit.py")) {
      Files.copy(in, script);
    }
    try (TestService s = new TestService(dir)) {
      Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), s.server.url(), s.writerToken)
          .redirectErrorStream(true).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(out).isZero();
      String[] lines = out.split("\n");
      assertThat(lines[0]).startsWith("201 ").contains("\"duplicate\":false");
      assertThat(lines[1]).startsWith("200 ").contains("\"duplicate\":true");
      assertThat(s.ledger.size()).isEqualTo(3);
      LedgerRecord in = s.ledger.resolve("dataset:postgres://db.example:5432/sales.public.orders@snapshot-2026-11-29");
      assertThat(in.body().at("/schema/fields/1/name").asText()).isEqualTo("total");
      assertThat(in.body().at("/properties/digestKind").asText()).isEqualTo("identity");
      LedgerRecord outRec = s.ledger.resolve("dataset:s3://lake/orders/2026-11-29");
      assertThat(outRec.text("digest")).isEqualTo("sha256:" + "5e".repeat(32));
      assertThat(outRec.body().get("rowCount").asLong()).isEqualTo(1234);
      LedgerRecord job = s.ledger.resolve("transform:airflow/orders_dag.load_orders");
      assertThat(job.text("description")).isEqualTo("Loads yesterday's orders");
      assertThat(job.body().at("/inputs/0/seq").asLong()).isEqualTo(in.seq());
      assertThat(job.body().at("/outputs/0/seq").asLong()).isEqualTo(outRec.seq());
    }
  }
}
