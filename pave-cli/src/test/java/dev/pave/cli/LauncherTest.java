package dev.pave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.render.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code pave} script of the Quick start, run by bash in a copy of the checkout whose
 * Maven wrapper only prints what Maven prints, so that a build costs nothing.
 */
class LauncherTest {
  @TempDir Path root;

  @Test
  void aJavaHomePointingNowhereIsNamedAsTheProblem() throws Exception {
    Run r = launch(Map.of("JAVA_HOME", root.resolve("no-such-jdk").toString()), "version");
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("error: JAVA_HOME is set to '" + root.resolve("no-such-jdk")
        + "', but " + root.resolve("no-such-jdk/bin/java") + " does not exist")
        .contains("unset it");
  }

  @Test
  void theFirstBuildNamesEachModuleAsItStartsAndShowsTheErrorsWhenItFails() throws Exception {
    Path mvnw = root.resolve("mvnw");
    Files.writeString(mvnw, """
        #!/usr/bin/env bash
        echo "[INFO] Scanning for projects..."
        echo "Downloading from central: https://repo.maven.apache.org/maven2/x.pom"
        echo "[INFO] Building Pave core 0.1.0-SNAPSHOT                               [1/2]"
        echo "[INFO] Building Pave CLI 0.1.0-SNAPSHOT                                [2/2]"
        echo "[ERROR] /src/Foo.java:[3,1] class, interface, enum, or record expected"
        exit 1
        """);
    Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(root.resolve("pave-cli/src/main/java"));
    Files.writeString(root.resolve("pave-cli/src/main/java/Foo.java"), "x");
    Run r = launch(Map.of("JAVA_HOME", System.getProperty("java.home")), "version");
    assertThat(r.exit).as(r.err).isEqualTo(1);
    assertThat(r.err).contains("Building Pave (first run, or sources changed)")
        .contains("  downloading Maven and the dependencies\n")
        .contains("  building Pave core 0.1.0-SNAPSHOT [1/2]\n")
        .contains("  building Pave CLI 0.1.0-SNAPSHOT [2/2]\n")
        .contains("[ERROR] /src/Foo.java:[3,1]")
        .contains("error: the build failed (full log: ")
        .doesNotContain("[INFO]");
  }

  private record Run(int exit, String err) {}

  private Run launch(Map<String, String> env, String... args) throws Exception {
    Path script = root.resolve("pave");
    Files.copy(Golden.root().resolve("pave"), script);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString());
    pb.command().addAll(java.util.List.of(args));
    pb.environment().putAll(env);
    pb.environment().put("TMPDIR", root.toString());
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), err);
  }
}
