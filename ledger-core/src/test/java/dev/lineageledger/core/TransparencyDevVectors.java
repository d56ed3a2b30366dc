package dev.lineageledger.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Loads the transparency-dev/merkle test data stored under {@code src/test/resources/merkle/}
 * (see ATTRIBUTION.md there).
 *
 * <p>The Go verifier takes hashes as byte slices of any length; several negative probes exploit
 * that (empty "garbage" hashes, "WrongLeaf", "don't care"). {@link Hash} cannot hold anything but
 * 32 bytes, so such probes are {@linkplain Probe#representable() unrepresentable} here and are
 * tested for being rejected by {@link Hash#fromBase64} instead. Sizes are uint64 in the data and
 * are mapped to {@code long} by two's complement (2^64 - 1 becomes -1).
 */
public final class TransparencyDevVectors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TransparencyDevVectors() {}

  /** One probe file: the raw base64 strings, so unrepresentable hashes survive loading. */
  public record Probe(
      String file,
      String desc,
      boolean wantErr,
      long index,
      long size,
      String leafOrRoot1,
      String root,
      List<String> proof) {

    public boolean representable() {
      if (!is32Bytes(leafOrRoot1) || !is32Bytes(root)) {
        return false;
      }
      return proof.stream().allMatch(TransparencyDevVectors::is32Bytes);
    }

    public List<Hash> proofHashes() throws FormatException {
      List<Hash> out = new ArrayList<>();
      for (String s : proof) {
        out.add(Hash.fromBase64(s));
      }
      return out;
    }

    @Override
    public String toString() {
      return file;
    }
  }

  public static boolean is32Bytes(String b64) {
    return Base64.getDecoder().decode(b64).length == Hash.SIZE;
  }

  /** Inclusion probes: index = leafIdx, size = treeSize, leafOrRoot1 = leafHash, root = root. */
  public static List<Probe> inclusionProbes() {
    List<Probe> out = new ArrayList<>();
    for (JsonNode p : load("transparency-dev-inclusion-probes.json").get("probes")) {
      out.add(
          new Probe(
              p.get("file").asText(),
              p.get("desc").asText(),
              p.get("wantErr").asBoolean(),
              p.get("leafIdx").bigIntegerValue().longValue(),
              p.get("treeSize").bigIntegerValue().longValue(),
              p.get("leafHash").asText(),
              p.get("root").asText(),
              strings(p.get("proof"))));
    }
    return out;
  }

  /** Consistency probes: index = size1, size = size2, leafOrRoot1 = root1, root = root2. */
  public static List<Probe> consistencyProbes() {
    List<Probe> out = new ArrayList<>();
    for (JsonNode p : load("transparency-dev-consistency-probes.json").get("probes")) {
      out.add(
          new Probe(
              p.get("file").asText(),
              p.get("desc").asText(),
              p.get("wantErr").asBoolean(),
              p.get("size1").bigIntegerValue().longValue(),
              p.get("size2").bigIntegerValue().longValue(),
              p.get("root1").asText(),
              p.get("root2").asText(),
              strings(p.get("proof"))));
    }
    return out;
  }

  /** The 8-leaf tree, its node hashes, roots, hasher vectors and node-shape tables. */
  public static JsonNode tree() {
    return load("transparency-dev-tree.json");
  }

  public static Hash hex(JsonNode n) {
    try {
      return Hash.fromHex(n.asText());
    } catch (FormatException e) {
      throw new IllegalStateException("bad hash in test data: " + n, e);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && !array.isNull()) {
      array.forEach(e -> out.add(e.asText()));
    }
    return out;
  }

  private static JsonNode load(String name) {
    try (InputStream in = TransparencyDevVectors.class.getResourceAsStream("/merkle/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /merkle/" + name);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
