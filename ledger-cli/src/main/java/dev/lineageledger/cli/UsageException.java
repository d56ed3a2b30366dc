package dev.lineageledger.cli;

/** A command was used wrongly in a way picocli cannot see (exit code 2). */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
