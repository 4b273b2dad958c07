package dev.pave.spec;

/** Name rules shared by the reader, the validator and the schema. */
public final class Names {
  /** RFC 1035 label, as Kubernetes requires for Service names. */
  public static final String DNS_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  public static final String ENV_VAR = "^[A-Za-z_][A-Za-z0-9_]*$";

  public static final String QUANTITY =
      "^[+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$";

  /** Longest label value Kubernetes accepts. */
  public static final int MAX_LABEL = 63;

  private Names() {}

  /** What is wrong with a would-be DNS label, with the corrected name when there is one. */
  public static String dnsLabelProblem(String value) {
    if (value.matches(DNS_LABEL) && value.length() <= MAX_LABEL) {
      return null;
    }
    if (value.length() > MAX_LABEL) {
      return "\"" + value + "\" has " + value.length() + " characters; at most " + MAX_LABEL
          + " are allowed";
    }
    String fixed = value.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
        .replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
    String hint = !fixed.isEmpty() && fixed.matches(DNS_LABEL) && fixed.length() <= MAX_LABEL
        ? "; did you mean \"" + fixed + "\"?" : "";
    return "\"" + value + "\" is not a valid name: use lower-case letters, digits and '-',"
        + " starting with a letter and ending with a letter or digit" + hint;
  }
}
