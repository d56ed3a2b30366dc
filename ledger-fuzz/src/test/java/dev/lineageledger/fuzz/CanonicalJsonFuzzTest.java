package dev.lineageledger.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.InvalidRecordException;

/**
 * RFC 8785 canonicalisation of arbitrary bytes. Laws: anything {@link CanonicalJson#parse} accepts
 * canonicalises without an exception; the output is strict I-JSON in canonical form, a fixed point
 * of canonicalisation; input that {@link CanonicalJson#isCanonical} accepts is its own canonical
 * form. Rejection is an {@link InvalidRecordException} with a one-line message.
 */
class CanonicalJsonFuzzTest {

  @FuzzTest
  void canonicalize(byte[] input) throws InvalidRecordException {
    JsonNode tree;
    try {
      tree = CanonicalJson.parse(input);
    } catch (InvalidRecordException e) {
      Oracles.oneLine(e);
      assertThat(CanonicalJson.isCanonical(input)).as("isCanonical of unparseable input").isFalse();
      return;
    }
    byte[] canonical = CanonicalJson.canonicalize(tree);
    assertThat(CanonicalJson.isCanonical(canonical)).as("canonical output is canonical").isTrue();
    // Throws (and so fails the target) if canonical output did not parse back.
    assertThat(CanonicalJson.canonicalize(CanonicalJson.parse(canonical)))
        .as("canonicalisation is idempotent")
        .isEqualTo(canonical);
    if (CanonicalJson.isCanonical(input)) {
      assertThat(canonical).as("canonical input is its own canonical form").isEqualTo(input);
    }
  }
}
