package dev.pave.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The process's standard output, as text for every command and as bytes for the one report
 * large enough for the conversion to matter: a JSON report of a large check is tens of
 * megabytes already encoded as UTF-8, which would otherwise be turned back into characters
 * and encoded again on one core.
 */
final class Stdout {
  private static final OutputStream BYTES =
      new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
  /** Flushed at each line, as picocli's own writer is, so progress lines show as they come. */
  static final PrintWriter WRITER =
      new PrintWriter(new OutputStreamWriter(BYTES, StandardCharsets.UTF_8), true);

  private Stdout() {}

  /** The bytes under {@code out} when it is the process's standard output, else null. */
  static OutputStream bytesUnder(PrintWriter out) {
    return out == WRITER ? BYTES : null;
  }
}
