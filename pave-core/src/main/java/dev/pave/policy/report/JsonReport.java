package dev.pave.policy.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pave.policy.CheckRun;
import dev.pave.policy.Finding;
import dev.pave.spec.Problem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Findings as JSON for programs: one object per finding with every field. */
public final class JsonReport {
  /** Configured once and then only read, so it is shared by every thread. */
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      // Characters beyond the basic plane as their four UTF-8 bytes, as a writer of text
      // encodes them, instead of a pair of escapes.
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET).build();

  private JsonReport() {}

  public static String render(CheckRun run) {
    java.io.StringWriter out = new java.io.StringWriter();
    write(run, out);
    return out.toString();
  }

  /** Streams the report, one finding at a time, so a large check never holds it all. */
  public static void write(CheckRun run, java.io.Writer out) {
    write(run, out, f -> null);
  }

  /**
   * As {@link #write(CheckRun, java.io.Writer)}, with the findings {@code rendered} gives
   * (by {@link #finding}) copied in as they are; it gives null for the others.
   */
  public static void write(CheckRun run, java.io.Writer out,
      Function<Finding, byte[]> rendered) {
    try {
      write(run, MAPPER.getFactory().createGenerator(out),
          f -> {
            byte[] text = rendered.apply(f);
            return text == null ? null : new String(text, StandardCharsets.UTF_8);
          });
      out.write("\n");
      out.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The same report as UTF-8 bytes, the rendered findings copied without being decoded: for
   * a large report this is most of the writing. {@code rendered} is asked for every finding
   * before anything is written, so it should give findings rendered ahead, not render them.
   */
  public static void write(CheckRun run, java.io.OutputStream out,
      Function<Finding, byte[]> rendered) {
    try {
      write(run, MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8),
          f -> {
            byte[] text = rendered.apply(f);
            return text == null ? null : new Utf8(text);
          }, out, rendered);
      out.write('\n');
      out.flush();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void write(CheckRun run, JsonGenerator generator,
      Function<Finding, Object> rendered) throws java.io.IOException {
    write(run, generator, rendered, null, null);
  }

  /** The pretty printer's separators around the findings, when they are copied in as bytes. */
  private static final byte[] FINDINGS = ",\n  \"findings\" : [".getBytes(StandardCharsets.UTF_8);
  private static final byte[] FIRST = " ".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NEXT = ", ".getBytes(StandardCharsets.UTF_8);
  private static final byte[] END = " ]".getBytes(StandardCharsets.UTF_8);

  /**
   * With {@code raw} (the stream under the generator) and every finding rendered as bytes,
   * the findings are copied to the stream as they are, between the separators the pretty
   * printer would write: tens of megabytes that otherwise pass through the generator's buffer.
   */
  private static void write(CheckRun run, JsonGenerator generator,
      Function<Finding, Object> rendered, java.io.OutputStream raw,
      Function<Finding, byte[]> bytes) throws java.io.IOException {
    List<byte[]> copied = raw == null ? null : allRendered(run, bytes);
    try (JsonGenerator gen = generator) {
      gen.useDefaultPrettyPrinter();
      gen.writeStartObject();
      gen.writeStringField("failOn", run.failOn().name().toLowerCase(Locale.ROOT));
      gen.writeNumberField("blocking", run.blocking());
      gen.writeNumberField("checked", run.checked().size());
      gen.writeFieldName("skipped");
      MAPPER.writeValue(gen, run.skipped().stream().map(o -> o.describe()).toList());
      if (copied != null) {
        gen.flush();
        raw.write(FINDINGS);
        for (int i = 0; i < copied.size(); i++) {
          raw.write(i == 0 ? FIRST : NEXT);
          raw.write(copied.get(i));
        }
        raw.write(END);
      } else {
        gen.writeArrayFieldStart("findings");
        for (CheckRun.Checked c : run.checked()) {
          for (Finding f : c.findings()) {
            Object text = rendered.apply(f);
            if (text instanceof String s) {
              gen.writeRawValue(s);
            } else if (text instanceof SerializableString s) {
              gen.writeRawValue(s);
            } else {
              write(f, gen);
            }
          }
        }
        gen.writeEndArray();
      }
      gen.writeFieldName("problems");
      MAPPER.writeValue(gen, run.problems().stream().map(Problem::format).toList());
      gen.writeFieldName("warnings");
      MAPPER.writeValue(gen, run.warnings());
      gen.writeEndObject();
    }
  }

  /** Every finding's bytes in report order, or null when some finding has none. */
  private static List<byte[]> allRendered(CheckRun run, Function<Finding, byte[]> bytes) {
    List<byte[]> out = new java.util.ArrayList<>();
    for (CheckRun.Checked c : run.checked()) {
      for (Finding f : c.findings()) {
        byte[] b = bytes.apply(f);
        if (b == null) {
          return null;
        }
        out.add(b);
      }
    }
    return out;
  }

  /**
   * One finding exactly as {@link #write} puts it in the report, indentation included, as
   * UTF-8: for a large check to render its findings on every core while it checks instead of
   * one by one at the end.
   */
  public static byte[] finding(Finding f) {
    byte[] direct = JsonFindings.render(f);
    return direct != null ? direct : generated(f);
  }

  /** The same, always through Jackson's generator. */
  static byte[] generated(Finding f) {
    com.fasterxml.jackson.core.util.ByteArrayBuilder out =
        new com.fasterxml.jackson.core.util.ByteArrayBuilder(2048);
    try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      // A finding sits two levels deep in the report: every line of it is indented by two
      // more spaces than it would be on its own.
      gen.setPrettyPrinter(new DefaultPrettyPrinter().withObjectIndenter(
          new DefaultIndenter("  ", DefaultIndenter.SYS_LF + "  ")));
      write(f, gen);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Text already encoded as UTF-8, which the generator copies as it is. */
  private static final class Utf8 implements SerializableString {
    private final byte[] bytes;

    Utf8(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String getValue() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
      return new com.fasterxml.jackson.core.io.SerializedString(getValue()).asQuotedChars();
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return bytes;
    }

    @Override
    public byte[] asQuotedUTF8() {
      return new com.fasterxml.jackson.core.io.SerializedString(getValue()).asQuotedUTF8();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
      return new com.fasterxml.jackson.core.io.SerializedString(getValue())
          .appendQuotedUTF8(buffer, offset);
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
      return new com.fasterxml.jackson.core.io.SerializedString(getValue())
          .appendQuoted(buffer, offset);
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
      if (offset + bytes.length > buffer.length) {
        return -1;
      }
      System.arraycopy(bytes, 0, buffer, offset, bytes.length);
      return bytes.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
      String s = getValue();
      if (offset + s.length() > buffer.length) {
        return -1;
      }
      s.getChars(0, s.length(), buffer, offset);
      return s.length();
    }

    @Override
    public int writeQuotedUTF8(java.io.OutputStream out) throws java.io.IOException {
      byte[] quoted = asQuotedUTF8();
      out.write(quoted);
      return quoted.length;
    }

    @Override
    public int writeUnquotedUTF8(java.io.OutputStream out) throws java.io.IOException {
      out.write(bytes);
      return bytes.length;
    }

    @Override
    public int putQuotedUTF8(java.nio.ByteBuffer buffer) {
      byte[] quoted = asQuotedUTF8();
      if (quoted.length > buffer.remaining()) {
        return -1;
      }
      buffer.put(quoted);
      return quoted.length;
    }

    @Override
    public int putUnquotedUTF8(java.nio.ByteBuffer buffer) {
      if (bytes.length > buffer.remaining()) {
        return -1;
      }
      buffer.put(bytes);
      return bytes.length;
    }
  }

  /**
   * One finding, field by field through the generator: building a map per finding for the
   * mapper to walk cost as much as writing it.
   */
  private static void write(Finding f, JsonGenerator gen)
      throws java.io.IOException {
    gen.writeStartObject();
    gen.writeStringField("rule", f.ruleId());
    gen.writeStringField("severity", f.severity().name().toLowerCase(Locale.ROOT));
    gen.writeStringField("status", f.status().name().toLowerCase(Locale.ROOT));
    gen.writeObjectFieldStart("resource");
    gen.writeStringField("kind", f.kind());
    gen.writeStringField("namespace", f.namespace());
    gen.writeStringField("name", f.name());
    gen.writeEndObject();
    gen.writeStringField("file", f.source());
    gen.writeStringField("title", f.title());
    gen.writeStringField("message", f.message());
    gen.writeStringField("rationale", f.rationale());
    gen.writeFieldName("controls");
    MAPPER.writeValue(gen, f.controls());
    gen.writeArrayFieldStart("violations");
    for (Finding.Violation v : f.violations()) {
      gen.writeStartObject();
      gen.writeStringField("element", v.element());
      gen.writeStringField("path", v.path());
      gen.writeNumberField("line", v.position().line());
      gen.writeNumberField("column", v.position().column());
      gen.writeFieldName("patch");
      MAPPER.writeValue(gen, v.patch());
      gen.writeStringField("fixed", v.fixed());
      gen.writeStringField("specFix", v.specFix());
      gen.writeEndObject();
    }
    gen.writeEndArray();
    if (f.excepted() != null) {
      gen.writeFieldName("exception");
      MAPPER.writeValue(gen, f.excepted());
    }
    gen.writeEndObject();
  }
}
