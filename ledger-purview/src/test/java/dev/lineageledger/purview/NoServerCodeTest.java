package dev.lineageledger.purview;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What production jobs load carries no server: the emulator (and the JDK HTTP server it runs
 * on) lives in ledger-purview-emulator, a test fixture like okhttp's mockwebserver.
 */
class NoServerCodeTest {
  @Test
  void theClientModuleHasNoEmulatorOrHttpServerClasses() throws Exception {
    Path classes = Path.of(PurviewSync.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    assertThat(classes).isDirectory();
    List<Path> files;
    try (Stream<Path> s = Files.walk(classes)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      assertThat(classes.relativize(f).toString()).doesNotContain("emulator");
      String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      assertThat(bytes).as(f.toString()).doesNotContain("com/sun/net/httpserver");
    }
  }
}
