package dev.pave.spec;

/** An enum whose YAML spelling differs from its Java constant name. */
public interface WireName {
  String wireName();

  static String of(Enum<?> e) {
    return e instanceof WireName w ? w.wireName() : e.name().toLowerCase(java.util.Locale.ROOT);
  }
}
