package dev.pave.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A custom resource's rules from its CRD's openAPIV3Schema, as the apiextensions server
 * applies them: unknown fields pruned (unless x-kubernetes-preserve-unknown-fields), defaults
 * filled (an explicit null of a defaulted field included), then validation: types, enums,
 * bounds, required fields, list-type set/map duplicates, the scale subresource's paths, and
 * x-kubernetes-validations CEL rules, with the real server's causes and messages.
 */
final class CustomSchema implements Strategy {
  private static final String CRDS = "apiextensions.k8s.io/customresourcedefinitions/";
  private static final String NOT_CHECKED = "some validation rules were not checked because "
      + "the object was invalid; correct the existing errors to complete validation";
  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();
  private static final Cel CEL = CelFactory.standardCelBuilder()
      .setOptions(CelOptions.current().enableOptionalSyntax(true)
          .enableHeterogeneousNumericComparisons(true).build())
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addCompilerLibraries(CelExtensions.strings(), CelExtensions.optional(),
          CelExtensions.sets(CelOptions.current().build()))
      .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.optional(),
          CelExtensions.sets(CelOptions.current().build()))
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .build();

  private final Store store;

  CustomSchema(Store store) {
    this.store = store;
  }

  /** What a custom resource's version declares: its schema and subresources. */
  record Version(JsonNode schema, boolean status, JsonNode scale) {}

  /** The last version read per kind and the store revision it was read at. */
  private record Read(long rv, Version version) {}

  private static final Map<Store, Map<String, Read>> READS =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  static Version version(Store store, ResourceType t) {
    if (!t.custom()) {
      return null;
    }
    // One write asks up to three times (decode, defaults, validation) with nothing stored in
    // between; the CRD is read (and copied) once for all of them.
    Map<String, Read> reads = READS.computeIfAbsent(store, s -> new ConcurrentHashMap<>());
    String key = t.apiVersion() + "/" + t.plural();
    long rv = store.resourceVersion();
    Read read = reads.get(key);
    if (read != null && read.rv() == rv) {
      return read.version();
    }
    Version v = read(store, t);
    reads.put(key, new Read(rv, v));
    return v;
  }

  private static Version read(Store store, ResourceType t) {
    // Cluster-scoped objects are kept under an empty namespace segment.
    ObjectNode crd = store.get(CRDS + "/" + ResourceTypes.crdName(t));
    if (crd == null) {
      return null;
    }
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals(t.version())) {
        JsonNode schema = v.path("schema").path("openAPIV3Schema");
        if (schema.isMissingNode()) {
          schema = crd.path("spec").path("validation").path("openAPIV3Schema");
        }
        return new Version(schema.isObject() ? schema : null,
            v.path("subresources").has("status"), v.path("subresources").path("scale"));
      }
    }
    return null;
  }

  // ---- pruning ----

  /** Drops what the schema does not declare; answers the dropped paths, in body order. */
  static List<String> prune(Store store, ResourceType t, ObjectNode o) {
    Version v = version(store, t);
    List<String> pruned = new ArrayList<>();
    if (v == null || v.schema() == null) {
      return pruned;
    }
    pruneObject(o, v.schema(), "", true, pruned);
    return pruned;
  }

  private static void prune(JsonNode n, JsonNode s, String path, List<String> pruned) {
    if (s == null || s.isMissingNode() || n == null) {
      return;
    }
    if (n instanceof ObjectNode o) {
      pruneObject(o, s, path, s.path("x-kubernetes-embedded-resource").asBoolean(false),
          pruned);
    } else if (n instanceof ArrayNode a) {
      int i = 0;
      for (JsonNode e : a) {
        prune(e, s.get("items"), path + "[" + i++ + "]", pruned);
      }
    }
  }

  private static void pruneObject(ObjectNode o, JsonNode s, String path, boolean resource,
      List<String> pruned) {
    boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    JsonNode props = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      String at = path.isEmpty() ? key : path + "." + key;
      if (resource && (key.equals("apiVersion") || key.equals("kind")
          || key.equals("metadata"))) {
        continue;
      }
      if (props.has(key)) {
        prune(e.getValue(), props.get(key), at, pruned);
      } else if (additional != null && additional.isObject()) {
        prune(e.getValue(), additional, at, pruned);
      } else if (!preserve && !(additional != null && additional.asBoolean(false))) {
        pruned.add(at);
        it.remove();
      }
    }
  }

  // ---- defaults ----

  @Override
  public void defaults(ResourceType t, ObjectNode o, ObjectNode old, List<String> warnings) {
    Version v = version(store, t);
    if (v == null || v.schema() == null) {
      return;
    }
    pruneObject(o, v.schema(), "", true, new ArrayList<>());
    fill(o, v.schema());
  }

  /** Fills defaults where a field is absent or a null it may not hold; drops other such nulls. */
  private static void fill(JsonNode n, JsonNode s) {
    if (s == null || s.isMissingNode()) {
      return;
    }
    if (n instanceof ObjectNode o) {
      JsonNode props = s.path("properties");
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        JsonNode value = o.get(p.getKey());
        boolean nullable = p.getValue().path("nullable").asBoolean(false);
        if (p.getValue().has("default")
            && (value == null || value.isNull() && !nullable)) {
          o.set(p.getKey(), p.getValue().get("default").deepCopy());
        } else if (value != null && value.isNull() && !nullable) {
          o.remove(p.getKey());
        }
      }
      JsonNode additional = s.get("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (props.has(e.getKey())) {
          fill(e.getValue(), props.get(e.getKey()));
        } else if (additional != null && additional.isObject()) {
          fill(e.getValue(), additional);
        }
      }
    } else if (n instanceof ArrayNode a) {
      for (JsonNode e : a) {
        fill(e, s.get("items"));
      }
    }
  }

  // ---- validation ----

  @Override
  public List<ApiException.Cause> validate(ResourceType t, ObjectNode o, ObjectNode old) {
    List<ApiException.Cause> causes = new ArrayList<>();
    if (!t.custom()) {
      return causes;
    }
    BuiltInStrategy.metadataUpdate(o, old, causes);
    BuiltInStrategy.metadataUpdate(o, old, causes);
    String name = o.path("metadata").path("name").asText("");
    if (!name.isEmpty()) {
      for (String problem : BuiltInStrategy.subdomainProblems(name)) {
        causes.add(BuiltInStrategy.invalid("metadata.name", o.path("metadata").path("name"),
            problem));
      }
    }
    BuiltInStrategy.metadata(o, old, causes);
    Version v = version(store, t);
    if (v == null || v.schema() == null) {
      return causes;
    }
    boolean statusWrite = old != null && v.status() && statusOnly(o, old);
    List<ApiException.Cause> checked = new ArrayList<>();
    if (statusWrite) {
      // /status validates the status against its own schema, named from there.
      JsonNode status = o.get("status");
      if (status != null) {
        schema(status, v.schema().path("properties").path("status"), "", "status.", checked);
      }
    } else {
      schema(o, v.schema(), "", "", checked);
    }
    // Ratcheting: an update is not refused for a value it leaves as it was.
    checked.removeIf(c -> old != null && at(o, c.field()).equals(at(old, c.field())));
    causes.addAll(checked);
    if (old != null && v.scale().isObject()) {
      if (!statusWrite) {
        scale(o, v.scale().path("specReplicasPath").asText(""), causes);
      }
      scale(o, v.scale().path("statusReplicasPath").asText(""), causes);
    }
    lists(o, v.schema(), "", causes);
    if (causes.stream().anyMatch(CustomSchema::blocking)) {
      if (hasRules(v.schema())) {
        causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: null: "
            + NOT_CHECKED, "<nil>"));
      }
      return causes;
    }
    rules(o, old, v.schema(), "", causes);
    return causes;
  }

  /** The value at a cause's field path ({@code spec.ports[1].name}), missing if none. */
  static JsonNode at(JsonNode n, String field) {
    JsonNode cur = n;
    for (String part : field.split("\\.")) {
      int bracket = part.indexOf('[');
      String name = bracket < 0 ? part : part.substring(0, bracket);
      if (!name.isEmpty()) {
        cur = cur.path(name);
      }
      while (bracket >= 0) {
        int close = part.indexOf(']', bracket);
        if (close < 0) {
          return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
          cur = cur.path(Integer.parseInt(part.substring(bracket + 1, close)));
        } catch (NumberFormatException e) {
          return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        bracket = part.indexOf('[', close);
      }
    }
    return cur;
  }

  /** Whether only the status differs from what is stored: a write through /status. */
  private static boolean statusOnly(ObjectNode o, ObjectNode old) {
    ObjectNode a = o.deepCopy();
    ObjectNode b = old.deepCopy();
    for (ObjectNode x : List.of(a, b)) {
      x.remove("status");
      x.remove("metadata");
    }
    return a.equals(b) && !o.path("status").equals(old.path("status"));
  }

  /** Errors after which the real server does not run the CEL rules. */
  private static boolean blocking(ApiException.Cause c) {
    return switch (c.reason()) {
      case "FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong",
          "FieldValueTooMany", "FieldValueTypeInvalid" -> true;
      default -> false;
    };
  }

  private static int rank(ApiException.Cause c) {
    return c.reason().equals("FieldValueTypeInvalid")
        || c.reason().equals("FieldValueNotSupported") ? 0 : 1;
  }

  /**
   * The OpenAPI checks. {@code name} is the path as the validator's messages say it, {@code
   * prefix} what the field of a cause adds before it.
   */
  private static void schema(JsonNode n, JsonNode s, String name, String prefix,
      List<ApiException.Cause> causes) {
    if (s == null || s.isMissingNode() || !s.isObject()) {
      return;
    }
    String field = prefix + name;
    String type = s.path("type").asText("");
    boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
    if (n.isNull()) {
      if (!s.path("nullable").asBoolean(false) && !type.isEmpty()) {
        causes.add(BuiltInStrategy.typeInvalid(field, text("null"), name
            + " in body must be of type " + type + ": \"null\""));
      }
      return;
    }
    String actual = typeOf(n);
    if (intOrString) {
      if (!actual.equals("integer") && !actual.equals("string")) {
        causes.add(BuiltInStrategy.typeInvalid(field, text(actual), name
            + " in body must be of type integer,string: \"" + actual + "\""));
        return;
      }
    } else if (!type.isEmpty() && !actual.equals(type)
        && !(type.equals("number") && actual.equals("integer"))) {
      causes.add(BuiltInStrategy.typeInvalid(field, text(actual), name
          + " in body must be of type " + type + ": \"" + actual + "\""));
      return;
    }
    if (n.isTextual()) {
      String v = n.asText();
      if (s.has("maxLength") && v.codePointCount(0, v.length()) > s.get("maxLength").asLong()) {
        causes.add(new ApiException.Cause("FieldValueTooLong", "Too long: may not be more than "
            + s.get("maxLength").asLong() + " bytes", field));
      }
      if (s.has("minLength") && v.codePointCount(0, v.length()) < s.get("minLength").asLong()) {
        causes.add(BuiltInStrategy.invalid(field, n, name + " in body should be at least "
            + s.get("minLength").asLong() + " chars long"));
      }
      if (s.has("pattern") && !java.util.regex.Pattern.compile(s.get("pattern").asText())
          .matcher(v).find()) {
        causes.add(BuiltInStrategy.invalid(field, n, name + " in body should match '"
            + s.get("pattern").asText() + "'"));
      }
    }
    if (n.isNumber()) {
      BigDecimal v = n.decimalValue();
      if (s.has("maximum")) {
        BigDecimal max = s.get("maximum").decimalValue();
        boolean exclusive = s.path("exclusiveMaximum").asBoolean(false);
        if (exclusive ? v.compareTo(max) >= 0 : v.compareTo(max) > 0) {
          causes.add(BuiltInStrategy.invalid(field, n, name + " in body should be less than "
              + (exclusive ? "" : "or equal to ") + number(max)));
        }
      }
      if (s.has("minimum")) {
        BigDecimal min = s.get("minimum").decimalValue();
        boolean exclusive = s.path("exclusiveMinimum").asBoolean(false);
        if (exclusive ? v.compareTo(min) <= 0 : v.compareTo(min) < 0) {
          causes.add(BuiltInStrategy.invalid(field, n, name + " in body should be greater than "
              + (exclusive ? "" : "or equal to ") + number(min)));
        }
      }
      if (s.has("multipleOf") && s.get("multipleOf").decimalValue().signum() != 0
          && v.remainder(s.get("multipleOf").decimalValue()).signum() != 0) {
        causes.add(BuiltInStrategy.invalid(field, n, name + " in body should be a multiple of "
            + number(s.get("multipleOf").decimalValue())));
      }
    }
    if (n.isArray()) {
      if (s.has("maxItems") && n.size() > s.get("maxItems").asLong()) {
        causes.add(new ApiException.Cause("FieldValueTooMany", "Too many: " + n.size()
            + ": must have at most " + s.get("maxItems").asLong() + " items", field));
      }
      if (s.has("minItems") && n.size() < s.get("minItems").asLong()) {
        causes.add(BuiltInStrategy.invalid(field, n, name + " in body should have at least "
            + s.get("minItems").asLong() + " items"));
      }
      int i = 0;
      for (JsonNode e : n) {
        schema(e, s.get("items"), name + "[" + i++ + "]", prefix, causes);
      }
    }
    if (s.has("enum")) {
      boolean found = false;
      List<String> allowed = new ArrayList<>();
      for (JsonNode e : s.get("enum")) {
        found |= e.equals(n) || e.isNumber() && n.isNumber()
            && e.decimalValue().compareTo(n.decimalValue()) == 0;
        allowed.add(e.isTextual() ? e.asText() : e.toString());
      }
      if (!found) {
        causes.add(notSupported(field, n, allowed));
      }
    }
    if (n.isObject()) {
      object(n, s, name, prefix, causes);
    }
  }

  private static void object(JsonNode n, JsonNode s, String name, String prefix,
      List<ApiException.Cause> causes) {
    String field = prefix + name;
    if (s.has("maxProperties") && n.size() > s.get("maxProperties").asLong()) {
      causes.add(new ApiException.Cause("FieldValueTooMany", "Too many: " + n.size()
          + ": must have at most " + s.get("maxProperties").asLong() + " items", field));
    }
    if (s.has("minProperties") && n.size() < s.get("minProperties").asLong()) {
      causes.add(BuiltInStrategy.invalid(field, n, name + " in body should have at least "
          + s.get("minProperties").asLong() + " properties"));
    }
    // The real validator visits properties in Go map order, which varies from run to run; this
    // order (by name, type and enum errors first) is the one the recorded answers show.
    List<ApiException.Cause> properties = new ArrayList<>();
    JsonNode props = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    TreeSet<String> keys = new TreeSet<>();
    n.fieldNames().forEachRemaining(keys::add);
    for (String key : keys) {
      String child = name.isEmpty() ? key : name + "." + key;
      if (props.has(key)) {
        schema(n.get(key), props.get(key), child, prefix, properties);
      } else if (additional != null && additional.isObject()) {
        schema(n.get(key), additional, child, prefix, properties);
      }
    }
    properties.sort(Comparator.comparingInt(CustomSchema::rank));
    causes.addAll(properties);
    for (JsonNode r : s.path("required")) {
      if (!n.has(r.asText())) {
        String child = name.isEmpty() ? r.asText() : name + "." + r.asText();
        causes.add(BuiltInStrategy.required(prefix + child, ""));
      }
    }
  }

  /** The scale subresource's own checks of its replica paths, made on every update. */
  private static void scale(ObjectNode o, String path, List<ApiException.Cause> causes) {
    if (path.isEmpty()) {
      return;
    }
    JsonNode n = o;
    for (String part : path.substring(1).split("\\.")) {
      n = n.path(part);
    }
    if (n.isMissingNode() || n.isNull()) {
      return;
    }
    if (!n.isIntegralNumber()) {
      causes.add(BuiltInStrategy.invalid(path, Json.MAPPER.getNodeFactory().numberNode(0),
          path + " accessor error: " + (n.isTextual() ? n.asText() : n.toString())
              + " is of the type " + goType(n) + ", expected int64"));
    } else if (n.asLong() < 0) {
      causes.add(BuiltInStrategy.invalid(path, n, "should be a non-negative integer"));
    } else if (n.asLong() > Integer.MAX_VALUE) {
      causes.add(BuiltInStrategy.invalid(path, n, "should be less than or equal to "
          + Integer.MAX_VALUE));
    }
  }

  private static String goType(JsonNode n) {
    return switch (n.getNodeType()) {
      case STRING -> "string";
      case NUMBER -> "float64";
      case BOOLEAN -> "bool";
      case OBJECT -> "map[string]interface {}";
      case ARRAY -> "[]interface {}";
      default -> "<nil>";
    };
  }

  /** x-kubernetes-list-type set and map: no two equal items, no two items with equal keys. */
  private static void lists(JsonNode n, JsonNode s, String path,
      List<ApiException.Cause> causes) {
    if (s == null || s.isMissingNode() || n == null) {
      return;
    }
    if (n.isArray()) {
      String listType = s.path("x-kubernetes-list-type").asText("");
      List<JsonNode> seen = new ArrayList<>();
      int i = 0;
      for (JsonNode e : n) {
        String at = path + "[" + i++ + "]";
        if (listType.equals("set")) {
          if (seen.contains(e)) {
            causes.add(BuiltInStrategy.duplicate(at, e));
          }
          seen.add(e);
        } else if (listType.equals("map") && e.isObject()) {
          ObjectNode key = Json.object();
          for (JsonNode k : s.path("x-kubernetes-list-map-keys")) {
            if (e.has(k.asText())) {
              key.set(k.asText(), e.get(k.asText()));
            } else if (s.path("items").path("properties").path(k.asText()).has("default")) {
              key.set(k.asText(), s.path("items").path("properties").path(k.asText())
                  .get("default"));
            }
          }
          if (seen.contains(key)) {
            causes.add(BuiltInStrategy.duplicate(at, key));
          }
          seen.add(key);
        }
        lists(e, s.get("items"), at, causes);
      }
    } else if (n.isObject()) {
      JsonNode props = s.path("properties");
      JsonNode additional = s.get("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        JsonNode child = props.has(e.getKey()) ? props.get(e.getKey())
            : additional != null && additional.isObject() ? additional : null;
        lists(e.getValue(), child, at, causes);
      }
    }
  }

  // ---- x-kubernetes-validations ----

  private static boolean hasRules(JsonNode s) {
    if (s == null || !s.isContainerNode()) {
      return false;
    }
    if (s.isObject() && s.path("x-kubernetes-validations").size() > 0) {
      return true;
    }
    for (JsonNode child : s) {
      if (hasRules(child)) {
        return true;
      }
    }
    return false;
  }

  /** Runs the rules of every schema node that has a value, depth first from the root. */
  private static void rules(JsonNode n, JsonNode old, JsonNode s, String path,
      List<ApiException.Cause> causes) {
    if (s == null || s.isMissingNode() || n == null || n.isMissingNode()) {
      return;
    }
    for (JsonNode rule : s.path("x-kubernetes-validations")) {
      rule(rule, n, old, path, causes);
    }
    if (n.isObject()) {
      JsonNode props = s.path("properties");
      JsonNode additional = s.get("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        JsonNode child = props.has(e.getKey()) ? props.get(e.getKey())
            : additional != null && additional.isObject() ? additional : null;
        JsonNode before = old == null || !old.has(e.getKey()) ? null : old.get(e.getKey());
        rules(e.getValue(), before, child, at, causes);
      }
    } else if (n.isArray()) {
      JsonNode items = s.get("items");
      List<String> keys = new ArrayList<>();
      s.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
      String listType = s.path("x-kubernetes-list-type").asText("");
      int i = 0;
      for (JsonNode e : n) {
        rules(e, correlated(e, old, listType, keys), items, path + "[" + i++ + "]", causes);
      }
    }
  }

  /** The old item a new one continues: same keys in a map list, equal in a set. */
  private static JsonNode correlated(JsonNode item, JsonNode old, String listType,
      List<String> keys) {
    if (old == null || !old.isArray()) {
      return null;
    }
    for (JsonNode o : old) {
      if (listType.equals("set") && o.equals(item)) {
        return o;
      }
      if (listType.equals("map") && !keys.isEmpty()
          && keys.stream().allMatch(k -> o.path(k).equals(item.path(k)))) {
        return o;
      }
    }
    return null;
  }

  private static void rule(JsonNode rule, JsonNode self, JsonNode oldSelf, String path,
      List<ApiException.Cause> causes) {
    String expression = rule.path("rule").asText("");
    boolean transition = expression.contains("oldSelf");
    if (transition && oldSelf == null) {
      return; // transition rules hold only between an old value and a new one
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("self", cel(self));
    vars.put("oldSelf", oldSelf == null ? NullValue.NULL_VALUE : cel(oldSelf));
    Object result;
    try {
      result = program(expression).eval(vars);
    } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
      causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: "
          + BuiltInStrategy.quote(typeOf(self)) + ": rule evaluation error: " + e.getMessage(),
          path.isEmpty() ? "<nil>" : path));
      return;
    }
    if (Boolean.TRUE.equals(result)) {
      return;
    }
    String message = rule.path("message").asText("");
    String messageExpression = rule.path("messageExpression").asText("");
    if (!messageExpression.isEmpty()) {
      try {
        Object m = program(messageExpression).eval(vars);
        if (m instanceof String text && !text.isBlank() && !text.contains("\n")) {
          message = text;
        }
      } catch (CelValidationException | CelEvaluationException | RuntimeException e) {
        // the rule's message or the default stands in, as on a real server
      }
    }
    if (message.isEmpty()) {
      message = "failed rule: " + expression;
    }
    String field = path + rule.path("fieldPath").asText("");
    if (field.startsWith(".")) {
      field = field.substring(1);
    }
    if (field.isEmpty()) {
      field = "<nil>";
    }
    String reason = rule.path("reason").asText("FieldValueInvalid");
    String shown = switch (reason) {
      case "FieldValueForbidden" -> "Forbidden: ";
      case "FieldValueRequired" -> "Required value: ";
      case "FieldValueDuplicate" -> "Duplicate value: ";
      default -> "Invalid value: ";
    };
    causes.add(new ApiException.Cause(reason, shown + message, field));
  }

  private static CelRuntime.Program program(String expression) throws CelValidationException,
      CelEvaluationException {
    CelRuntime.Program p = PROGRAMS.get(expression);
    if (p == null) {
      p = CEL.createProgram(CEL.compile(expression).getAst());
      PROGRAMS.put(expression, p);
    }
    return p;
  }

  /** A JSON value as CEL sees it: maps, lists, int64, double, string, bool, null. */
  static Object cel(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> m.put(e.getKey(), cel(e.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(e -> l.add(cel(e)));
      return l;
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return n.asText();
  }

  // ---- helpers ----

  private static String typeOf(JsonNode n) {
    return switch (n.getNodeType()) {
      case OBJECT -> "object";
      case ARRAY -> "array";
      case STRING -> "string";
      case BOOLEAN -> "boolean";
      case NUMBER -> n.isIntegralNumber() ? "integer" : "number";
      default -> "null";
    };
  }

  private static ApiException.Cause notSupported(String field, JsonNode value,
      List<String> allowed) {
    StringBuilder m = new StringBuilder("Unsupported value: ")
        .append(BuiltInStrategy.value(value)).append(": supported values: ");
    for (int i = 0; i < allowed.size(); i++) {
      m.append(i == 0 ? "" : ", ").append(BuiltInStrategy.quote(allowed.get(i)));
    }
    return new ApiException.Cause("FieldValueNotSupported", m.toString(), field);
  }

  private static String number(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }

  private static JsonNode text(String s) {
    return Json.MAPPER.getNodeFactory().textNode(s);
  }
}
