package dev.pave.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the shell lines of a doc snippet into simple commands, as sh would read them: a
 * trailing backslash continues the line, a {@code $ } prompt and {@code #} comments go, quotes
 * group words, and {@code | & && || ;} separate commands. Enough for documentation, not a shell.
 */
final class ShellLines {
  private ShellLines() {}

  /** The commands of a block, each a list of words with the quotes removed. */
  static List<List<String>> commands(String text) {
    List<List<String>> commands = new ArrayList<>();
    StringBuilder logical = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.endsWith("\\")) {
        logical.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      logical.append(line);
      String l = logical.toString().strip();
      logical.setLength(0);
      if (l.startsWith("$ ")) {
        l = l.substring(2);
      }
      split(l, commands);
    }
    return commands;
  }

  private static void split(String line, List<List<String>> commands) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '(') {
        // A command substitution stays one word: its text is not checked here.
        int depth = 0;
        word = word == null ? new StringBuilder() : word;
        for (; i < line.length(); i++) {
          char d = line.charAt(i);
          word.append(d);
          depth += d == '(' ? 1 : d == ')' ? -1 : 0;
          if (depth == 0) {
            break;
          }
        }
      } else if (Character.isWhitespace(c)) {
        word = flush(word, words);
      } else if (c == '#' && word == null) {
        break;
      } else if (c == '|' || c == '&' || c == ';') {
        word = flush(word, words);
        if (!words.isEmpty()) {
          commands.add(words);
          words = new ArrayList<>();
        }
        if (i + 1 < line.length() && line.charAt(i + 1) == c) {
          i++;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (quote != 0) {
      throw new AssertionError("unclosed quote in: " + line);
    }
    flush(word, words);
    if (!words.isEmpty()) {
      commands.add(words);
    }
  }

  private static StringBuilder flush(StringBuilder word, List<String> words) {
    if (word != null) {
      words.add(word.toString());
    }
    return null;
  }
}
