package dev.lineageledger.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.Checkpoint;
import dev.lineageledger.core.Ed25519Signer;
import dev.lineageledger.core.Hash;
import dev.lineageledger.core.KeyFiles;
import dev.lineageledger.core.SignedNote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the generated seed inputs (signed notes, proofs, key files) into the targets' inputs
 * directories. Not part of the normal build; run it after a format change with
 *
 * <pre>
 * mvn -B -pl ledger-fuzz -am test -Dfuzz.enabled=0 -Dfuzz.writeSeeds=true -Dtest=SeedCorpus \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and commit the result. Seeds are named after what they are; the hand-written seeds (records,
 * JSON) live beside them.
 */
@EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
class SeedCorpus {
  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path resources =
      Path.of(System.getProperty("fuzz.basedir", "."), "src/test/resources/dev/lineageledger/fuzz");

  @Test
  void write() throws Exception {
    notes();
    proofs();
    keys();
  }

  private void notes() throws Exception {
    Map<String, String> seeds = new LinkedHashMap<>();
    seeds.put("checkpoint-size-1", FuzzTree.checkpoint(1));
    seeds.put("checkpoint-size-13", FuzzTree.checkpoint(FuzzTree.SIZE));
    Checkpoint withExtension =
        new Checkpoint(FuzzKeys.ORIGIN, 7, FuzzTree.root(7), List.of("extension line"));
    seeds.put("checkpoint-extension-line", withExtension.sign(List.of(FuzzKeys.SIGNER)).text());
    Ed25519Signer witness = Ed25519Signer.generate("witness.example/w1");
    seeds.put(
        "checkpoint-cosigned",
        SignedNote.parse(FuzzTree.checkpoint(8)).withSignature(witness).text());
    seeds.put("note-not-a-checkpoint",
        SignedNote.sign("This is a note, not a checkpoint.\n", List.of(FuzzKeys.SIGNER)).text());
    // C2SP signed-note, "Verifier keys / Example", by FuzzKeys.C2SP_EXAMPLE (CC BY 4.0).
    seeds.put("c2sp-example-note",
        "This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6Tf"
            + "Xppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n");
    for (Map.Entry<String, String> s : seeds.entrySet()) {
      write("SignedNoteFuzzTestInputs/signedNote", s.getKey(), s.getValue());
    }
  }

  private void proofs() throws Exception {
    int[][] cases = {{0, 1}, {3, 8}, {6, 7}, {5, 13}, {12, 13}};
    for (int[] c : cases) {
      int index = c[0];
      int size = c[1];
      // The layout of `ledger prove --json` (ProveCommand): Jackson's default pretty printer.
      ObjectNode o = PRETTY.createObjectNode();
      o.put("index", index);
      o.put("size", size);
      o.put("leafHash", FuzzTree.leaf(index).base64());
      List<Hash> path = FuzzTree.path(index, 0, size);
      path.forEach(h -> o.withArray("proof").add(h.base64()));
      if (path.isEmpty()) {
        o.putArray("proof");
      }
      o.put("checkpoint", FuzzTree.checkpoint(size));
      write("ProofJsonFuzzTestInputs/proofJson", "proof-" + index + "-of-" + size,
          PRETTY.writeValueAsString(o) + "\n");
    }
  }

  private void keys() throws Exception {
    write("KeyFileFuzzTestInputs/keyFile", "pkcs8-plain", FuzzKeys.PRIVATE_KEY_PEM);
    write("KeyFileFuzzTestInputs/keyFile", "vkey", FuzzKeys.KEY + "\n");
    write("KeyFileFuzzTestInputs/keyFile", "vkey-crlf", FuzzKeys.KEY + "\r\n");
    // RFC 8410 §4 SubjectPublicKeyInfo, as `openssl pkey -pubout` writes it.
    byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100");
    byte[] der = new byte[spki.length + 32];
    System.arraycopy(spki, 0, der, 0, spki.length);
    System.arraycopy(FuzzKeys.KEY.publicKey(), 0, der, spki.length, 32);
    write("KeyFileFuzzTestInputs/keyFile", "spki-public-key",
        "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getEncoder().encodeToString(der)
            + "\n-----END PUBLIC KEY-----\n");
    Path tmp = Files.createTempDirectory("seed");
    Path enc = tmp.resolve("enc.pem");
    KeyFiles.writePrivateKey(enc, FuzzKeys.SIGNER, KeyFileFuzzTest.PASSPHRASE.toCharArray());
    write("KeyFileFuzzTestInputs/keyFile", "pkcs8-scrypt-encrypted", Files.readString(enc));
    Files.delete(enc);
    Files.delete(tmp);
  }

  private void write(String dir, String name, String content) throws IOException {
    Path d = resources.resolve(dir);
    Files.createDirectories(d);
    Files.writeString(d.resolve(name), content, StandardCharsets.UTF_8);
  }
}
