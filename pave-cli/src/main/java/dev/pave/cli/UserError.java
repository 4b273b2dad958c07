package dev.pave.cli;

/** A problem with what the user asked for: printed as one line, never with a stack trace. */
final class UserError extends RuntimeException {
  private final int exitCode;

  UserError(String message) {
    this(message, ExitCode.INVALID);
  }

  UserError(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
