package dev.pave.cli;

/**
 * SIGINT and SIGTERM handed to a server command instead of the JVM, which would exit with
 * 128 + the signal's number: for a server, being stopped is success.
 */
final class Stop {
  private Stop() {}

  /** Runs {@code action} on Ctrl-C or kill; without signal support, the JVM's default stays. */
  @SuppressWarnings("removal")
  static void on(Runnable action) {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
      } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
        // not offered here (or the JVM was started with -Xrs): the shutdown hook still closes
      }
    }
  }
}
