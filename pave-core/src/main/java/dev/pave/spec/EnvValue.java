package dev.pave.spec;

/**
 * The value of an environment variable: plain text, or a reference to a key of a Secret or a
 * ConfigMap. Secret values never appear in a spec.
 */
public record EnvValue(
    @Doc("Plain value.") String value,
    @Doc(value = "Name of a Secret in the application's namespace.", pattern = Names.DNS_LABEL
        + "|^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", example = "checkout-db")
        String secret,
    @Doc(value = "Name of a ConfigMap in the application's namespace.",
        pattern = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", example = "checkout-settings")
        String configMap,
    @Doc(value = "Key in the Secret or ConfigMap.", pattern = "^[-._a-zA-Z0-9]+$",
        example = "password")
        String key) {

  @Shorthand("a plain value")
  public static EnvValue parse(String text) {
    return new EnvValue(text, null, null, null);
  }

  public static EnvValue plain(String text) {
    return new EnvValue(text, null, null, null);
  }
}
