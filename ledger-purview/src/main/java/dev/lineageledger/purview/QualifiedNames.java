package dev.lineageledger.purview;

import java.util.Objects;

/**
 * The Atlas {@code qualifiedName}s of ledger entities, derived only from ledger identity, so
 * that every sync of the same ledger names the same entities and Purview updates them instead of
 * creating duplicates. See docs/PURVIEW.md "Qualified names".
 *
 * <ul>
 *   <li>the entity of record {@code seq}: {@code ledger://<origin>/<seq>}, for example
 *       {@code ledger://bank.example/ml/fraud/12};
 *   <li>a deployment target: {@code ledger://<origin>/target/<target>}, for example
 *       {@code ledger://bank.example/ml/fraud/target/aks://prod/fraud-scoring}.
 * </ul>
 *
 * <p>The origin cannot contain spaces, and a sequence number is all digits, so neither form can
 * be mistaken for the other.
 */
public final class QualifiedNames {
  public static final String SCHEME = "ledger://";

  private QualifiedNames() {}

  /** The entity that stands for record {@code seq} of the ledger named {@code origin}. */
  public static String record(String origin, long seq) {
    Objects.requireNonNull(origin, "origin");
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0");
    }
    return SCHEME + origin + "/" + seq;
  }

  /** The entity that stands for deployment target {@code target} of ledger {@code origin}. */
  public static String deploymentTarget(String origin, String target) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(target, "target");
    return SCHEME + origin + "/target/" + target;
  }
}
