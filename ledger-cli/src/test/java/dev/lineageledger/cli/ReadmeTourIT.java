package dev.lineageledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README cannot rot: every {@code sh} block of README.md, in document order, runs as one
 * bash script in an empty directory, with {@code ./ledger} (and {@code ledger}) the packaged CLI,
 * and must succeed. Only commands marked {@code # needs Azure} are skipped; the project's own
 * build, test and benchmark commands are fenced as {@code shell} and are not part of the tour.
 * The emulator's port 8585 is replaced by a free one, so parallel builds do not collide.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadmeTourIT {
  static final String AZURE_MARK = "# needs Azure";

  @TempDir Path dir;

  /** The commands of every {@code ```sh} block; a command marked as needing Azure is dropped. */
  static List<String> tour(List<String> readme) {
    List<String> out = new ArrayList<>();
    boolean inBlock = false;
    List<String> command = new ArrayList<>();
    for (String line : readme) {
      if (!inBlock) {
        inBlock = line.equals("```sh");
        continue;
      }
      if (line.equals("```")) {
        inBlock = false;
        continue;
      }
      // A command continued with '\' is kept or dropped whole.
      command.add(line);
      if (line.endsWith("\\")) {
        continue;
      }
      if (!line.strip().endsWith(AZURE_MARK)) {
        out.addAll(command);
      }
      command.clear();
    }
    return out;
  }

  @Test
  void everyShellBlockRunsInOrderInAnEmptyDirectory() throws Exception {
    Path readme = Path.of(System.getProperty("ledger.readme", "../README.md"));
    List<String> all = Files.readAllLines(readme, StandardCharsets.UTF_8);
    List<String> tour = tour(all);
    long commands = tour.stream().filter(l -> l.startsWith("./ledger ")).count();
    assertThat(commands).as("commands in the README's sh blocks").isGreaterThanOrEqualTo(12);
    assertThat(all.stream().filter(l -> l.strip().endsWith(AZURE_MARK)).count())
        .as("lines skipped as needing Azure").isLessThanOrEqualTo(10);

    Path wrapper = dir.resolve("ledger");
    Files.writeString(wrapper, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar '" + Cli.jar() + "' \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    int port = freePort();
    String script = "set -euo pipefail\n"
        + "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
        + "set -x\n"
        + String.join("\n", tour).replace("8585", String.valueOf(port))
            .replace("127.0.0.1:8080", "127.0.0.1:" + freePort()) + "\n";
    Files.writeString(dir.resolve("tour.sh"), script);

    ProcessBuilder pb = new ProcessBuilder("bash", "tour.sh").directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("tour.log").toFile());
    pb.environment().remove("LEDGER_PATH");
    pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
    // Nothing here may reach Azure: azure-identity's managed identity probe goes to a closed port.
    pb.environment().put("IDENTITY_ENDPOINT", "http://127.0.0.1:" + freePort());
    pb.environment().put("MSI_ENDPOINT", "http://127.0.0.1:" + freePort());
    Process p = pb.start();
    int code;
    try {
      code = p.waitFor();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String log = Files.readString(dir.resolve("tour.log"));
    assertThat(code).as("the README tour failed; its log (set -x):%n%s", log).isZero();
    // What the tour promises, checked on its results.
    assertThat(log).contains("OK: record 4").contains("rotated the signing key of fraud.ledger")
        .contains("\"qualifiedName\":\"ledger://bank.example/ml/fraud/4\"")
        .contains("\"ref\":\"transform:airflow/orders_dag.load_orders@0193f1c2-1b2a-7c3d-8e4f-5a6b7c8d9e0f\"")
        .contains("ledger serve: stopped; checkpoint at size 3")
        .contains("OK: 3 records verified");
    assertThat(Files.readString(dir.resolve("fraud.vkey")).strip())
        .startsWith("bank.example/ml/fraud+");
    assertThat(Files.size(dir.resolve("proof.json"))).isPositive();
    assertThat(log.lines().filter(l -> l.startsWith("ledger: ")).toList())
        .as("error lines in the tour").isEmpty();
  }

  /** A command split with '\' that needs Azure is skipped whole; nothing else is. */
  @Test
  void onlyCommandsMarkedAsNeedingAzureAreSkipped() {
    List<String> readme = List.of("text", "```sh", "./ledger a", "./ledger b \\", "  --x # needs Azure",
        "./ledger c   # needs Azure", "```", "```shell", "mvn -B verify", "```", "```sh", "./ledger d", "```");
    assertThat(tour(readme)).containsExactly("./ledger a", "./ledger d");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
