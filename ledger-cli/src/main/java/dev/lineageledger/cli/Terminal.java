package dev.lineageledger.cli;

/** Colour and progress only when a person is watching: a terminal, no NO_COLOR, not TERM=dumb. */
final class Terminal {
  private final boolean colour;
  private final boolean interactive;

  private Terminal(boolean interactive, boolean colour) {
    this.interactive = interactive;
    this.colour = colour;
  }

  static Terminal detect() {
    boolean tty = System.console() != null;
    String term = System.getenv("TERM");
    boolean dumb = term == null || term.equals("dumb");
    boolean noColour = System.getenv("NO_COLOR") != null;
    return new Terminal(tty && !dumb, tty && !dumb && !noColour);
  }

  /** No colour: for text that is compared or measured, not shown. */
  static Terminal plain() {
    return new Terminal(false, false);
  }

  boolean interactive() {
    return interactive;
  }

  String bold(String s) {
    return colour ? "\u001b[1m" + s + "\u001b[0m" : s;
  }

  String green(String s) {
    return colour ? "\u001b[32m" + s + "\u001b[0m" : s;
  }

  String red(String s) {
    return colour ? "\u001b[31m" + s + "\u001b[0m" : s;
  }

  String dim(String s) {
    return colour ? "\u001b[2m" + s + "\u001b[0m" : s;
  }

  String cyan(String s) {
    return colour ? "\u001b[36m" + s + "\u001b[0m" : s;
  }
}
