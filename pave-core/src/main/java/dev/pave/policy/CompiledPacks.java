package dev.pave.policy;

import dev.cel.bundle.Cel;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelProtoAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.expr.CheckedExpr;
import dev.pave.spec.Document;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The built-in packs' expressions, parsed and type-checked when Pave is built and kept in the
 * jar beside the packs. Parsing and checking them is most of the cost of compiling the packs,
 * which a short command (a check of a few files) pays on every run before it can evaluate
 * anything.
 *
 * <p>An expression is found by its text. The same text checked against the same declarations
 * always gives the same tree, and the file is written by the same build as the declarations
 * ({@link PolicyEngine#cel()}), so a user's pack that repeats a built-in expression gets the
 * tree it would have compiled. The file also records what the declarations were
 * ({@link PolicyEngine#declarations()}); one written against others (by a build that skipped
 * the step) is not used. Anything not found, or a file that cannot be read, is compiled as
 * before.
 */
final class CompiledPacks {
  /** Next to the packs, as a resource of this class. */
  static final String RESOURCE = "packs/compiled.bin";
  private static final int MAGIC = 0x50434531;  // "PCE1"

  private static volatile Map<String, byte[]> table;

  private CompiledPacks() {}

  /** The checked tree of a built-in expression, or null when it is not one. */
  static CelAbstractSyntaxTree find(String expression) {
    byte[] checked = table().get(expression);
    if (checked == null) {
      return null;
    }
    try {
      return CelProtoAbstractSyntaxTree.fromCheckedExpr(CheckedExpr.parseFrom(checked))
          .getAst();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return null;
    }
  }

  /** How many expressions the jar holds compiled (0 when the file is missing). */
  static int size() {
    return table().size();
  }

  private static Map<String, byte[]> table() {
    Map<String, byte[]> t = table;
    if (t == null) {
      t = read();
      table = t;
    }
    return t;
  }

  private static Map<String, byte[]> read() {
    try (InputStream in = CompiledPacks.class.getResourceAsStream(RESOURCE)) {
      return in == null ? Map.of() : parse(in.readAllBytes());
    } catch (IOException e) {
      return Map.of();
    }
  }

  static Map<String, byte[]> parse(byte[] file) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(file));
    if (in.readInt() != MAGIC || in.readInt() != PolicyEngine.declarations().hashCode()) {
      // Written by another version of the declarations (a build that skipped the step that
      // writes it): compile everything.
      return Map.of();
    }
    int n = in.readInt();
    Map<String, byte[]> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String expression = in.readUTF();
      byte[] checked = new byte[in.readInt()];
      in.readFully(checked);
      out.put(expression, checked);
    }
    return Map.copyOf(out);
  }

  /** Every expression of the built-in packs compiled, in the format {@link #find} reads. */
  static byte[] build() throws CelValidationException, IOException {
    Cel cel = PolicyEngine.cel();
    Set<String> expressions = expressions();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(PolicyEngine.declarations().hashCode());
    out.writeInt(expressions.size());
    for (String e : expressions) {
      byte[] checked = CelProtoAbstractSyntaxTree.fromCelAst(cel.compile(e).getAst())
          .toCheckedExpr().toByteArray();
      out.writeUTF(e);
      out.writeInt(checked.length);
      out.write(checked);
    }
    out.flush();
    return bytes.toByteArray();
  }

  /** Every expression of the built-in packs, each once, in the order written. */
  static Set<String> expressions() {
    Set<String> expressions = new LinkedHashSet<>();
    for (Document<Policy> doc : BuiltInPacks.all().values()) {
      Policy.Spec spec = doc.value().spec();
      if (spec.variables() != null) {
        spec.variables().forEach(v -> expressions.add(v.expression()));
      }
      if (spec.conditions() != null) {
        expressions.addAll(spec.conditions());
      }
      for (Policy.Rule r : spec.rules()) {
        expressions.add(r.validate());
        if (r.messageExpression() != null) {
          expressions.add(r.messageExpression());
        }
      }
    }
    return expressions;
  }
}
