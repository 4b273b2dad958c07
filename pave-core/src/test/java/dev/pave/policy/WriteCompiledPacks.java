package dev.pave.policy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by the build (see pom.xml) once the classes are compiled: writes the built-in packs'
 * compiled expressions where the jar picks them up. Kept with the tests because it writes a
 * file, which the core's own classes never do.
 */
public final class WriteCompiledPacks {
  private WriteCompiledPacks() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args[0]);
    Files.createDirectories(target.getParent());
    Files.write(target, CompiledPacks.build());
  }
}
