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
}
