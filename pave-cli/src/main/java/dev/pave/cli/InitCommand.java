package dev.pave.cli;

import dev.pave.spec.Names;
import dev.pave.spec.Problem;
import dev.pave.spec.ReadResult;
import dev.pave.spec.SpecReader;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pave init}: a commented pave.yaml to start from. */
@Command(name = "init",
    mixinStandardHelpOptions = true,
    header = "Write a commented pave.yaml for a new service.",
    description = "Asks for the name, team, image and port when run in a terminal; with flags (or"
        + " --no-input) it asks nothing. The file it writes is checked before it is written.",
    footer = {"", "Examples:",
        "  pave init",
        "  pave init --name checkout --team payments \\",
        "      --image registry.example.com/payments/checkout:1.4.2 --port 8080 --expose public",
        "  pave init --name nightly-report --team finance --image registry.example.com/finance/report:2.0.0 --no-input"})
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--name", description = "Service name (default: the directory's name).")
  String name;

  @Option(names = "--team", description = "Owning team.")
  String team;

  @Option(names = "--image", description = "Container image with a tag.")
  String image;

  @Option(names = "--port", description = "Port the service listens on (omit for a worker).")
  Integer port;

  @Option(names = "--expose", description = "public, internal or none (default: internal with a"
      + " port, none without).")
  String expose;

  @Option(names = {"-f", "--file"}, defaultValue = "pave.yaml",
      description = "File to write (default ${DEFAULT-VALUE}).")
  Path file;

  @Option(names = "--force", description = "Overwrite an existing file.")
  boolean force;

  @Option(names = "--no-input", description = "Never prompt; fail if a required value is missing.")
  boolean noInput;

  /** Where answers come from when prompting; replaced in tests. */
  BufferedReader answers;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (Files.exists(file) && !force) {
      throw new UserError(file + " already exists; use --force to overwrite it");
    }
    boolean interactive = !noInput && (answers != null || System.console() != null);
    if (interactive && answers == null) {
      Console console = System.console();
      answers = new BufferedReader(console != null ? console.reader()
          : new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    String dirName = defaultName();
    if (interactive) {
      name = ask(err, "Service name", name, dirName);
      team = ask(err, "Owning team", team, null);
      image = ask(err, "Image (with a tag)", image, null);
      if (port == null) {
        String p = ask(err, "Port (empty for a worker without one)", null, "");
        port = p.isEmpty() ? null : parsePort(p);
      }
    } else if (name == null) {
      name = dirName;
    }
    if (team == null || image == null || name == null) {
      throw new UserError("missing " + (team == null ? "--team" : image == null ? "--image"
          : "--name") + "; run in a terminal to be asked, or pass every flag");
    }
    if (expose == null) {
      expose = port == null ? "none" : "internal";
    }
    String text = template();
    ReadResult check = SpecReader.read(file.toString(), text);
    if (!check.ok()) {
      Problem p = check.problems().get(0);
      throw new UserError("the values given do not make a valid spec: " + p.path() + ": "
          + p.message());
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
    PrintWriter out = spec.commandLine().getOut();
    out.println("wrote " + file + "; next: pave render " + file + " -e dev");
    out.flush();
    return ExitCode.OK;
  }

  private String ask(PrintWriter err, String question, String given, String fallback)
      throws IOException {
    if (given != null) {
      return given;
    }
    while (true) {
      err.print(question + (fallback != null && !fallback.isEmpty() ? " [" + fallback + "]" : "")
          + ": ");
      err.flush();
      String line = answers.readLine();
      if (line == null) {
        throw new UserError("no answer for \"" + question + "\" (input ended)");
      }
      line = line.strip();
      if (line.isEmpty() && fallback != null) {
        return fallback;
      }
      if (!line.isEmpty()) {
        return line;
      }
    }
  }

  private static Integer parsePort(String text) {
    try {
      int p = Integer.parseInt(text);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UserError("\"" + text + "\" is not a port; expected a number from 1 to 65535");
  }

  private String defaultName() {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || dir.getFileName() == null) {
      return null;
    }
    String n = dir.getFileName().toString().toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+|-+$", "");
    return n.matches(Names.DNS_LABEL) ? n : null;
  }

  private String template() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Pave spec: the whole contract between this service and the platform.\n");
    sb.append("# Reference: docs/spec.md. Check it with `pave validate`, preview it with\n");
    sb.append("# `pave render pave.yaml -e dev`.\n");
    sb.append("apiVersion: pave.dev/v1alpha1\n");
    sb.append("kind: Application\n");
    sb.append("metadata:\n");
    sb.append("  name: ").append(name).append("\n");
    sb.append("spec:\n");
    sb.append("  team: ").append(team).append("          # owning team; carried into every signal\n");
    sb.append("  image: ").append(image).append("\n");
    if (port != null) {
      sb.append("  port: ").append(port).append("\n");
    }
    sb.append("  expose: ").append(expose).append("      # public | internal | none\n");
    sb.append("  # tier: standard            # critical | standard | experimental\n");
    sb.append("  # resources: small         # small | medium | large, or requests/limits\n");
    sb.append("  # autoscale: {min: 2, max: 10, cpuPercent: 70}\n");
    if (port != null) {
      sb.append("  # health: /healthz         # readiness, liveness and startup checks\n");
    } else {
      sb.append("  # health: {command: [/app/healthcheck]}\n");
    }
    sb.append("  # env:\n");
    sb.append("  #   LOG_LEVEL: info\n");
    sb.append("  #   DB_PASSWORD: {secret: ").append(name).append("-db, key: password}\n");
    sb.append("  # dependsOn: [orders, api.stripe.com:443]   # all other egress is denied\n");
    sb.append("  # owner: someone@example.com\n");
    sb.append("  # onCall: pagerduty:").append(team).append("\n");
    sb.append("  # runbook: https://runbooks.example.com/").append(name).append("\n");
    sb.append("  # overrides:\n");
    sb.append("  #   prod: {replicas: 3}\n");
    return sb.toString();
  }
}
