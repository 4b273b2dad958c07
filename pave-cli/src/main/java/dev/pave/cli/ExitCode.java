package dev.pave.cli;

/** Exit codes, the same for every command. */
final class ExitCode {
  static final int OK = 0;
  /** The command ran and found something (findings, a failed operation). */
  static final int FAILURE = 1;
  /** Invalid input or usage: nothing was done. */
  static final int INVALID = 2;

  private ExitCode() {}
}
