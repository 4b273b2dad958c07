package dev.pave.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The fenced code blocks of the project's Markdown: docs/*.md and README.md. */
final class DocBlocks {
  private static final Pattern FENCE = Pattern.compile("^\\s*(```+|~~~+)\\s*(\\S*).*$");

  /**
   * One fenced block: where it is (its file relative to the root, its index in the file, the
   * line of its opening fence, the heading above it), its info string and its text.
   */
  record Block(String file, int index, int line, String heading, String info, String text) {
    /** {@code docs/spec.md#3}: the key used to name a block in tests and messages. */
    String id() {
      return file + "#" + index;
    }

    List<String> lines() {
      return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    }

    @Override
    public String toString() {
      return id() + " (line " + line + ", under \"" + heading + "\")";
    }
  }

  private DocBlocks() {}

  /** Every Markdown file whose snippets must be run: docs/*.md and README.md, sorted. */
  static List<Path> files(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    files.add(root.resolve("README.md"));
    return files;
  }

  static List<Block> read(Path root, Path file) throws IOException {
    String name = root.relativize(file).toString().replace('\\', '/');
    List<String> lines = Files.readAllLines(file);
    List<Block> blocks = new ArrayList<>();
    String heading = "";
    String fence = null;
    String info = "";
    int start = 0;
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      Matcher m = FENCE.matcher(l);
      if (fence == null) {
        if (l.startsWith("#")) {
          heading = l.replaceFirst("^#+\\s*", "");
        } else if (m.matches()) {
          fence = m.group(1);
          info = m.group(2);
          start = i + 1;
          text.setLength(0);
        }
      } else if (m.matches() && m.group(1).startsWith(fence) && m.group(2).isEmpty()) {
        blocks.add(new Block(name, blocks.size(), start, heading, info,
            text.length() == 0 ? "" : text.substring(0, text.length() - 1)));
        fence = null;
      } else {
        text.append(l).append('\n');
      }
    }
    if (fence != null) {
      throw new AssertionError(name + ":" + start + ": a code block is never closed");
    }
    return blocks;
  }
}
