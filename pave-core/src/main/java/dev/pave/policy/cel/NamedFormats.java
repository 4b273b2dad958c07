package dev.pave.policy.cel;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Kubernetes' named formats ({@code format.dns1123Label().validate(name)}): the validators of
 * Kubernetes object names and labels, with their messages, so a policy can say why a name is
 * wrong in the API server's words. {@code validate} gives none when the value is valid.
 */
final class NamedFormats {
  /** A named format as CEL's {@code kubernetes.NamedFormat}. */
  record Format(String name, Function<String, List<String>> check) {
    Optional<Object> validate(String value) {
      List<String> errors = check.apply(value);
      return errors.isEmpty() ? Optional.empty() : Optional.of(errors);
    }
  }

  private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile(LABEL + "(\\." + LABEL + ")*");
  private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final String QUALIFIED = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED);
  private static final Pattern LABEL_VALUE = Pattern.compile("(" + QUALIFIED + ")?");
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private static final String LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case"
      + " alphanumeric characters or '-', and must start and end with an alphanumeric character";
  private static final String SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of"
      + " lower case alphanumeric characters, '-' or '.', and must start and end with an"
      + " alphanumeric character";
  private static final String DNS1035_MSG = "a DNS-1035 label must consist of lower case"
      + " alphanumeric characters or '-', start with an alphabetic character, and end with an"
      + " alphanumeric character";
  private static final String QUALIFIED_MSG = "must consist of alphanumeric characters, '-', '_'"
      + " or '.', and must start and end with an alphanumeric character";
  private static final String LABEL_VALUE_MSG = "a valid label must be an empty string or"
      + " consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
      + " alphanumeric character";

  private static final Map<String, Format> FORMATS = formats();
  static final List<String> NAMES = List.copyOf(FORMATS.keySet());

  private NamedFormats() {}

  static Format get(String name) {
    return FORMATS.get(name);
  }

  static Optional<Object> named(String name) {
    return Optional.ofNullable(FORMATS.get(name));
  }

  private static Map<String, Format> formats() {
    Map<String, Function<String, List<String>>> f = new LinkedHashMap<>();
    f.put("dns1123Label", NamedFormats::dns1123Label);
    f.put("dns1123Subdomain", NamedFormats::dns1123Subdomain);
    f.put("dns1035Label", NamedFormats::dns1035Label);
    f.put("qualifiedName", NamedFormats::qualifiedName);
    f.put("dns1123LabelPrefix", s -> dns1123Label(maskTrailingDash(s)));
    f.put("dns1123SubdomainPrefix", s -> dns1123Subdomain(maskTrailingDash(s)));
    f.put("dns1035LabelPrefix", s -> dns1035Label(maskTrailingDash(s)));
    f.put("labelValue", NamedFormats::labelValue);
    f.put("uri", s -> {
      try {
        URI u = new URI(s);
        return u.isAbsolute() || s.startsWith("/") ? List.of() : List.of("invalid URI");
      } catch (URISyntaxException e) {
        return List.of("invalid URI");
      }
    });
    f.put("uuid", s -> UUID.matcher(s).matches() ? List.of()
        : List.of("does not match the UUID format"));
    f.put("byte", s -> {
      try {
        Base64.getDecoder().decode(s);
        return List.of();
      } catch (IllegalArgumentException e) {
        return List.of("invalid base64");
      }
    });
    f.put("date", s -> {
      try {
        LocalDate.parse(s);
        return List.of();
      } catch (DateTimeParseException e) {
        return List.of("invalid date");
      }
    });
    f.put("datetime", s -> {
      try {
        OffsetDateTime.parse(s);
        return List.of();
      } catch (DateTimeParseException e) {
        return List.of("invalid datetime");
      }
    });
    Map<String, Format> out = new LinkedHashMap<>();
    f.forEach((name, check) -> out.put(name, new Format(name, check)));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** A generateName prefix may end in '-': it is checked as if a character followed. */
  private static String maskTrailingDash(String s) {
    return s.length() > 1 && s.endsWith("-") ? s.substring(0, s.length() - 1) + "a" : s;
  }

  private static List<String> dns1123Label(String s) {
    List<String> errs = new ArrayList<>();
    if (s.length() > 63) {
      errs.add(maxLen(63));
    }
    if (!DNS1123_LABEL.matcher(s).matches()) {
      errs.add(regex(LABEL_MSG, LABEL, "my-name", "123-abc"));
    }
    return errs;
  }

  private static List<String> dns1123Subdomain(String s) {
    List<String> errs = new ArrayList<>();
    if (s.length() > 253) {
      errs.add(maxLen(253));
    }
    if (!DNS1123_SUBDOMAIN.matcher(s).matches()) {
      errs.add(regex(SUBDOMAIN_MSG, DNS1123_SUBDOMAIN.pattern(), "example.com"));
    }
    return errs;
  }

  private static List<String> dns1035Label(String s) {
    List<String> errs = new ArrayList<>();
    if (s.length() > 63) {
      errs.add(maxLen(63));
    }
    if (!DNS1035_LABEL.matcher(s).matches()) {
      errs.add(regex(DNS1035_MSG, DNS1035_LABEL.pattern(), "my-name", "abc-123"));
    }
    return errs;
  }

  private static List<String> qualifiedName(String s) {
    List<String> errs = new ArrayList<>();
    String[] parts = s.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      name = parts[1];
      if (parts[0].isEmpty()) {
        errs.add("prefix part must be non-empty");
      } else {
        dns1123Subdomain(parts[0]).forEach(m -> errs.add("prefix part " + m));
      }
    } else {
      return List.of(regex("a qualified name " + QUALIFIED_MSG, QUALIFIED, "MyName", "my.name",
          "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g."
          + " 'example.com/MyName')");
    }
    if (name.isEmpty()) {
      errs.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errs.add("name part " + maxLen(63));
    }
    if (!QUALIFIED_NAME.matcher(name).matches()) {
      errs.add(regex("name part " + QUALIFIED_MSG, QUALIFIED, "MyName", "my.name", "123-abc"));
    }
    return errs;
  }

  private static List<String> labelValue(String s) {
    List<String> errs = new ArrayList<>();
    if (s.length() > 63) {
      errs.add(maxLen(63));
    }
    if (!LABEL_VALUE.matcher(s).matches()) {
      errs.add(regex(LABEL_VALUE_MSG, LABEL_VALUE.pattern(), "MyValue", "my_value", "12345"));
    }
    return errs;
  }

  private static String maxLen(int n) {
    return "must be no more than " + n + " characters";
  }

  /** Kubernetes' RegexError wording: the message, examples, then the expression used. */
  private static String regex(String msg, String re, String... examples) {
    StringBuilder b = new StringBuilder(msg);
    if (examples.length > 0) {
      b.append(" (e.g. ");
      for (int i = 0; i < examples.length; i++) {
        if (i > 0) {
          b.append(",  or ");
        }
        b.append('\'').append(examples[i]).append('\'');
      }
      b.append(", ");
    } else {
      b.append(" (");
    }
    return b.append("regex used for validation is '").append(re).append("')").toString();
  }
}
