package dev.pave.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as kubectl writes them: a number with ms, s, m or h ({@code 90s}, {@code 10m}). */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String text) {
    Duration d = parse(text);
    if (d == null) {
      throw new TypeConversionException("'" + text + "': expected a number with ms, s, m or h,"
          + " for example 90s or 10m");
    }
    return d;
  }

  /** The duration, or null when the text is not one. */
  static Duration parse(String text) {
    if (!text.matches("\\d+(ms|s|m|h)")) {
      return null;
    }
    long n = Long.parseLong(text.replaceAll("\\D", ""));
    return switch (text.replaceAll("\\d", "")) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
