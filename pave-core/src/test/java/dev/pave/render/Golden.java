package dev.pave.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares generated text with a file committed to the repository. Run with
 * {@code -Dpave.golden.update=true} to rewrite the files after an intended change, then review
 * the diff.
 */
public final class Golden {
  private Golden() {}

  public static boolean updating() {
    return Boolean.getBoolean("pave.golden.update");
  }

  /** The repository root: the tests run in a module directory. */
  public static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("mvnw"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("repository root not found above " + Path.of("")
          .toAbsolutePath());
    }
    return p;
  }

  public static void assertMatches(Path file, String actual) throws IOException {
    if (updating()) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(file).as("%s is missing; run the build with -Dpave.golden.update=true", file)
        .exists();
    assertThat(actual).as("%s differs from the generated text; if the change is intended run"
        + " with -Dpave.golden.update=true and review the diff", root().relativize(file))
        .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }
}
