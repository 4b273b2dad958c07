package dev.pave.cli;

import picocli.CommandLine;

/** Version from the jar manifest, so there is one place that sets it: the build. */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Pave.class.getPackage().getImplementationVersion();
    return new String[] {"pave " + (v == null ? "development build" : v)};
  }

  /** The version, or "dev" when not run from the built jar. */
  static String current() {
    String v = Pave.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
