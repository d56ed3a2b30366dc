package dev.lineageledger.server;

import java.util.Objects;

/**
 * An authenticated caller. {@code id} is the stable identity the credential proves (an Entra
 * object id or app id, or a static token's name); {@code name} is for people. The ledger's
 * {@code actor} field is {@link #actor()}, so no caller can write under another identity.
 */
public record Principal(String id, String name, Role role) {
  public Principal {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(role, "role");
    if (id.isBlank()) {
      throw new IllegalArgumentException("principal id must not be blank");
    }
    if (name != null && name.isBlank()) {
      name = null;
    }
  }

  /** The record actor: {@code name <id>}, or the id alone when there is no name. */
  public String actor() {
    return name == null || name.equals(id) ? id : name + " <" + id + ">";
  }
}
