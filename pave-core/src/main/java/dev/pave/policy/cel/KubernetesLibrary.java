package dev.pave.policy.cel;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Kubernetes CEL functions that cel-java lacks and admission policies use: quantities,
 * regex find, list aggregates, string format, URLs, IPs and CIDRs, semantic versions and named
 * formats, with Kubernetes' semantics
 * and error wording (k8s.io/apiserver/pkg/cel/library). Declarations for the compiler and
 * bindings for the runtime come from the same place.
 */
public final class KubernetesLibrary {
  public static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");
  public static final OpaqueType URL = OpaqueType.create("net.URL");
  public static final OpaqueType IP = OpaqueType.create("net.IP");
  public static final OpaqueType CIDR = OpaqueType.create("net.CIDR");
  public static final OpaqueType SEMVER = OpaqueType.create("kubernetes.Semver");
  public static final OpaqueType NAMED_FORMAT = OpaqueType.create("kubernetes.NamedFormat");
  private static final TypeParamType T = TypeParamType.create("T");
  private static final CelType LIST_T = ListType.create(T);
  private static final CelType STRING = SimpleType.STRING;
  private static final CelType INT = SimpleType.INT;
  private static final CelType BOOL = SimpleType.BOOL;

  private KubernetesLibrary() {}

  public static List<CelFunctionDecl> declarations() {
    return Stream.concat(Stream.of(
        fn("quantity", global("quantity_string", QUANTITY, STRING)),
        fn("isQuantity", global("isQuantity_string", BOOL, STRING)),
        fn("isInteger", member("quantity_isInteger", BOOL, QUANTITY)),
        fn("asInteger", member("quantity_asInteger", INT, QUANTITY)),
        fn("asApproximateFloat", member("quantity_asApproximateFloat", SimpleType.DOUBLE,
            QUANTITY)),
        fn("sign", member("quantity_sign", INT, QUANTITY)),
        fn("add", member("quantity_add", QUANTITY, QUANTITY, QUANTITY),
            member("quantity_add_int", QUANTITY, QUANTITY, INT)),
        fn("sub", member("quantity_sub", QUANTITY, QUANTITY, QUANTITY),
            member("quantity_sub_int", QUANTITY, QUANTITY, INT)),
        fn("compareTo", member("quantity_compareTo", INT, QUANTITY, QUANTITY),
            member("semver_compareTo", INT, SEMVER, SEMVER)),
        fn("isGreaterThan", member("quantity_isGreaterThan", BOOL, QUANTITY, QUANTITY),
            member("semver_isGreaterThan", BOOL, SEMVER, SEMVER)),
        fn("isLessThan", member("quantity_isLessThan", BOOL, QUANTITY, QUANTITY),
            member("semver_isLessThan", BOOL, SEMVER, SEMVER)),
        fn("semver", global("string_to_semver", SEMVER, STRING),
            global("string_to_semver_normalize", SEMVER, STRING, BOOL)),
        fn("isSemver", global("is_semver_string", BOOL, STRING),
            global("is_semver_string_normalize", BOOL, STRING, BOOL)),
        fn("major", member("semver_major", INT, SEMVER)),
        fn("minor", member("semver_minor", INT, SEMVER)),
        fn("patch", member("semver_patch", INT, SEMVER)),
        fn("find", member("string_find", STRING, STRING, STRING)),
        fn("findAll", member("string_findAll", ListType.create(STRING), STRING, STRING),
            member("string_findAll_limit", ListType.create(STRING), STRING, STRING, INT)),
        fn("isSorted", member("list_isSorted", BOOL, LIST_T)),
        fn("sum", member("list_sum", T, LIST_T)),
        fn("min", member("list_min", T, LIST_T)),
        fn("max", member("list_max", T, LIST_T)),
        fn("indexOf", member("list_indexOf", INT, LIST_T, T)),
        fn("lastIndexOf", member("list_lastIndexOf", INT, LIST_T, T)),
        fn("format", member("string_format", STRING, STRING, ListType.create(SimpleType.DYN))),
        fn("url", global("url_string", URL, STRING)),
        fn("isURL", global("isURL_string", BOOL, STRING)),
        fn("getScheme", member("url_getScheme", STRING, URL)),
        fn("getHost", member("url_getHost", STRING, URL)),
        fn("getHostname", member("url_getHostname", STRING, URL)),
        fn("getPort", member("url_getPort", STRING, URL)),
        fn("getEscapedPath", member("url_getEscapedPath", STRING, URL)),
        fn("getQuery", member("url_getQuery", MapType.create(STRING, ListType.create(STRING)),
            URL)),
        fn("ip", global("ip_string", IP, STRING), member("cidr_ip", IP, CIDR)),
        fn("isIP", global("isIP_string", BOOL, STRING)),
        fn("ip.isCanonical", global("ip_isCanonical_string", BOOL, STRING)),
        fn("family", member("ip_family", INT, IP)),
        fn("isUnspecified", member("ip_isUnspecified", BOOL, IP)),
        fn("isLoopback", member("ip_isLoopback", BOOL, IP)),
        fn("isLinkLocalMulticast", member("ip_isLinkLocalMulticast", BOOL, IP)),
        fn("isLinkLocalUnicast", member("ip_isLinkLocalUnicast", BOOL, IP)),
        fn("isGlobalUnicast", member("ip_isGlobalUnicast", BOOL, IP)),
        fn("cidr", global("cidr_string", CIDR, STRING)),
        fn("isCIDR", global("isCIDR_string", BOOL, STRING)),
        fn("containsIP", member("cidr_containsIP_ip", BOOL, CIDR, IP),
            member("cidr_containsIP_string", BOOL, CIDR, STRING)),
        fn("containsCIDR", member("cidr_containsCIDR_cidr", BOOL, CIDR, CIDR),
            member("cidr_containsCIDR_string", BOOL, CIDR, STRING)),
        fn("masked", member("cidr_masked", CIDR, CIDR)),
        fn("prefixLength", member("cidr_prefixLength", INT, CIDR)),
        fn("string", global("string_ip", STRING, IP), global("string_cidr", STRING, CIDR),
            global("string_url", STRING, URL)),
        fn("format.named", global("format-named", OptionalType.create(NAMED_FORMAT), STRING)),
        fn("validate", member("format-validate", OptionalType.create(ListType.create(STRING)),
            NAMED_FORMAT, STRING))),
        Stream.concat(formats().stream(), Authz.declarations().stream())).toList();
  }

  private static List<CelFunctionDecl> formats() {
    return NamedFormats.NAMES.stream()
        .map(n -> fn("format." + n, global("format-" + n, NAMED_FORMAT))).toList();
  }

  public static List<CelFunctionBinding> bindings() {
    List<CelFunctionBinding> b = new ArrayList<>();
    b.add(CelFunctionBinding.from("quantity_string", String.class,
        s -> wrap(() -> KQuantity.parse(s))));
    b.add(CelFunctionBinding.from("isQuantity_string", String.class, KQuantity::valid));
    b.add(CelFunctionBinding.from("quantity_isInteger", KQuantity.class,
        q -> q.value().stripTrailingZeros().scale() <= 0));
    b.add(CelFunctionBinding.from("quantity_asInteger", KQuantity.class, q -> {
      BigDecimal v = q.value().stripTrailingZeros();
      if (v.scale() > 0) {
        throw new CelEvaluationException("cannot convert value to integer");
      }
      try {
        return v.toBigIntegerExact().longValueExact();
      } catch (ArithmeticException e) {
        throw new CelEvaluationException("cannot convert value to integer");
      }
    }));
    b.add(CelFunctionBinding.from("quantity_asApproximateFloat", KQuantity.class,
        q -> q.value().doubleValue()));
    b.add(CelFunctionBinding.from("quantity_sign", KQuantity.class,
        q -> (long) q.value().signum()));
    b.add(CelFunctionBinding.from("quantity_add", KQuantity.class, KQuantity.class,
        (a, c) -> sum(a.value().add(c.value()))));
    b.add(CelFunctionBinding.from("quantity_add_int", KQuantity.class, Long.class,
        (a, c) -> sum(a.value().add(BigDecimal.valueOf(c)))));
    b.add(CelFunctionBinding.from("quantity_sub", KQuantity.class, KQuantity.class,
        (a, c) -> sum(a.value().subtract(c.value()))));
    b.add(CelFunctionBinding.from("quantity_sub_int", KQuantity.class, Long.class,
        (a, c) -> sum(a.value().subtract(BigDecimal.valueOf(c)))));
    b.add(CelFunctionBinding.from("quantity_compareTo", KQuantity.class, KQuantity.class,
        (a, c) -> (long) Integer.signum(a.compareTo(c))));
    b.add(CelFunctionBinding.from("quantity_isGreaterThan", KQuantity.class, KQuantity.class,
        (a, c) -> a.compareTo(c) > 0));
    b.add(CelFunctionBinding.from("quantity_isLessThan", KQuantity.class, KQuantity.class,
        (a, c) -> a.compareTo(c) < 0));
    b.add(CelFunctionBinding.from("string_find", String.class, String.class,
        (s, re) -> {
          Matcher m = compile(re).matcher(s);
          return m.find() ? m.group() : "";
        }));
    b.add(CelFunctionBinding.from("string_findAll", String.class, String.class,
        (s, re) -> findAll(s, re, -1)));
    b.add(CelFunctionBinding.from("string_findAll_limit",
        List.of(String.class, String.class, Long.class),
        args -> findAll((String) args[0], (String) args[1], (Long) args[2])));
    b.add(CelFunctionBinding.from("list_isSorted", List.class, Lists::isSorted));
    b.add(CelFunctionBinding.from("list_sum", List.class, Lists::sum));
    b.add(CelFunctionBinding.from("list_min", List.class, l -> Lists.extreme(l, -1, "min")));
    b.add(CelFunctionBinding.from("list_max", List.class, l -> Lists.extreme(l, 1, "max")));
    b.add(CelFunctionBinding.from("list_indexOf", List.class, Object.class,
        (l, x) -> (long) Lists.indexOf(l, x, false)));
    b.add(CelFunctionBinding.from("list_lastIndexOf", List.class, Object.class,
        (l, x) -> (long) Lists.indexOf(l, x, true)));
    b.add(CelFunctionBinding.from("string_format", String.class, List.class, Format::format));
    b.add(CelFunctionBinding.from("url_string", String.class, s -> wrap(() -> KUrl.parse(s))));
    b.add(CelFunctionBinding.from("isURL_string", String.class, KUrl::valid));
    b.add(CelFunctionBinding.from("url_getScheme", KUrl.class, KUrl::scheme));
    b.add(CelFunctionBinding.from("url_getHost", KUrl.class, KUrl::host));
    b.add(CelFunctionBinding.from("url_getHostname", KUrl.class, KUrl::hostname));
    b.add(CelFunctionBinding.from("url_getPort", KUrl.class, KUrl::port));
    b.add(CelFunctionBinding.from("url_getEscapedPath", KUrl.class, KUrl::escapedPath));
    b.add(CelFunctionBinding.from("url_getQuery", KUrl.class, KUrl::query));
    b.add(CelFunctionBinding.from("ip_string", String.class, s -> wrap(() -> KIp.parse(s))));
    b.add(CelFunctionBinding.from("isIP_string", String.class, KIp::valid));
    b.add(CelFunctionBinding.from("ip_isCanonical_string", String.class,
        s -> wrap(() -> KIp.parse(s).canonical().equals(s))));
    b.add(CelFunctionBinding.from("ip_family", KIp.class, ip -> (long) ip.family()));
    b.add(CelFunctionBinding.from("ip_isUnspecified", KIp.class, KIp::isUnspecified));
    b.add(CelFunctionBinding.from("ip_isLoopback", KIp.class, KIp::isLoopback));
    b.add(CelFunctionBinding.from("ip_isLinkLocalMulticast", KIp.class,
        KIp::isLinkLocalMulticast));
    b.add(CelFunctionBinding.from("ip_isLinkLocalUnicast", KIp.class, KIp::isLinkLocalUnicast));
    b.add(CelFunctionBinding.from("ip_isGlobalUnicast", KIp.class, KIp::isGlobalUnicast));
    b.add(CelFunctionBinding.from("cidr_string", String.class,
        s -> wrap(() -> KCidr.parse(s))));
    b.add(CelFunctionBinding.from("isCIDR_string", String.class, KCidr::valid));
    b.add(CelFunctionBinding.from("cidr_containsIP_ip", KCidr.class, KIp.class,
        KCidr::contains));
    b.add(CelFunctionBinding.from("cidr_containsIP_string", KCidr.class, String.class,
        (c, s) -> wrap(() -> c.contains(KIp.parse(s)))));
    b.add(CelFunctionBinding.from("cidr_containsCIDR_cidr", KCidr.class, KCidr.class,
        KCidr::contains));
    b.add(CelFunctionBinding.from("cidr_containsCIDR_string", KCidr.class, String.class,
        (c, s) -> wrap(() -> c.contains(KCidr.parse(s)))));
    b.add(CelFunctionBinding.from("cidr_ip", KCidr.class, KCidr::address));
    b.add(CelFunctionBinding.from("cidr_masked", KCidr.class, KCidr::masked));
    b.add(CelFunctionBinding.from("cidr_prefixLength", KCidr.class, c -> (long) c.bits()));
    b.add(CelFunctionBinding.from("string_ip", KIp.class, KIp::toString));
    b.add(CelFunctionBinding.from("string_cidr", KCidr.class, KCidr::toString));
    b.add(CelFunctionBinding.from("string_url", KUrl.class, KUrl::toString));
    b.add(CelFunctionBinding.from("string_to_semver", String.class,
        s -> wrap(() -> KSemver.parse(s))));
    b.add(CelFunctionBinding.from("string_to_semver_normalize", String.class, Boolean.class,
        (s, n) -> wrap(() -> n ? KSemver.parseNormalized(s) : KSemver.parse(s))));
    b.add(CelFunctionBinding.from("is_semver_string", String.class, s -> KSemver.valid(s, false)));
    b.add(CelFunctionBinding.from("is_semver_string_normalize", String.class, Boolean.class,
        KSemver::valid));
    b.add(CelFunctionBinding.from("semver_major", KSemver.class, KSemver::major));
    b.add(CelFunctionBinding.from("semver_minor", KSemver.class, KSemver::minor));
    b.add(CelFunctionBinding.from("semver_patch", KSemver.class, KSemver::patch));
    b.add(CelFunctionBinding.from("semver_compareTo", KSemver.class, KSemver.class,
        (a, c) -> (long) Integer.signum(a.compareTo(c))));
    b.add(CelFunctionBinding.from("semver_isGreaterThan", KSemver.class, KSemver.class,
        (a, c) -> a.compareTo(c) > 0));
    b.add(CelFunctionBinding.from("semver_isLessThan", KSemver.class, KSemver.class,
        (a, c) -> a.compareTo(c) < 0));
    b.add(CelFunctionBinding.from("format-named", String.class, NamedFormats::named));
    b.add(CelFunctionBinding.from("format-validate", NamedFormats.Format.class, String.class,
        NamedFormats.Format::validate));
    b.addAll(Authz.bindings());
    for (String n : NamedFormats.NAMES) {
      b.add(CelFunctionBinding.from("format-" + n, List.of(), args -> NamedFormats.get(n)));
    }
    return b;
  }

  private static KQuantity sum(BigDecimal v) {
    return new KQuantity(v, v.stripTrailingZeros().toPlainString());
  }

  private static List<String> findAll(String s, String re, long limit) throws CelEvaluationException {
    List<String> out = new ArrayList<>();
    if (limit == 0) {
      return out;
    }
    Matcher m = compile(re).matcher(s);
    while (m.find() && (limit < 0 || out.size() < limit)) {
      out.add(m.group());
    }
    return out;
  }

  private static Pattern compile(String re) throws CelEvaluationException {
    try {
      return Pattern.compile(re);
    } catch (com.google.re2j.PatternSyntaxException e) {
      throw new CelEvaluationException("invalid regular expression: " + e.getMessage());
    }
  }

  /** Whether the parser accepts its input: the isURL/isIP/isCIDR family. */
  static boolean parses(Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Turns a parse failure into a CEL evaluation error with the parser's message. */
  interface Parse<R> {
    R get();
  }

  static <R> R wrap(Parse<R> p) throws CelEvaluationException {
    try {
      return p.get();
    } catch (IllegalArgumentException e) {
      throw new CelEvaluationException(e.getMessage());
    }
  }

  private static CelFunctionDecl fn(String name, CelOverloadDecl... overloads) {
    return CelFunctionDecl.newFunctionDeclaration(name, overloads);
  }

  private static CelOverloadDecl global(String id, CelType result, CelType... params) {
    return CelOverloadDecl.newGlobalOverload(id, result, params);
  }

  private static CelOverloadDecl member(String id, CelType result, CelType... params) {
    return CelOverloadDecl.newMemberOverload(id, result, params);
  }
}
