package dev.lineageledger.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lineageledger.core.CanonicalJson;
import dev.lineageledger.core.InvalidRecordException;
import dev.lineageledger.core.RecordDraft;
import dev.lineageledger.core.internal.RecordSchema;
import java.util.List;

/**
 * A record as {@code ledger record --jsonl} reads it: {@link RecordDraft#fromJson} and then the
 * schema validation that {@code Ledger.append} runs before anything is written. Every rejection
 * must be an {@link InvalidRecordException} with a one-line message; an accepted body must
 * canonicalise (the append path hashes it next).
 */
class RecordFuzzTest {

  @FuzzTest
  @DictionaryFile(resourcePath = "record.dict")
  void recordJson(byte[] input) {
    try {
      RecordDraft draft = RecordDraft.fromJson(input);
      ObjectNode body = draft.body();
      List<RecordSchema.RefSlot> refs = RecordSchema.validate(draft.kind(), body);
      for (RecordSchema.RefSlot ref : refs) {
        assertThat(ref.path()).startsWith("body.");
      }
      assertThat(CanonicalJson.isCanonical(CanonicalJson.canonicalize(body))).isTrue();
    } catch (InvalidRecordException e) {
      Oracles.oneLine(e);
      assertThat(e.getMessage()).startsWith(e.field());
    }
  }
}
