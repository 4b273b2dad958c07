package dev.pave.render;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** The files of spec.config, and the hash that restarts pods when they change. */
final class ConfigMaps {
  static final String HASH_ANNOTATION = "pave.dev/config-hash";

  private ConfigMaps() {}

  static String name(Plan p) {
    return p.name() + "-config";
  }

  static HasMetadata render(Plan p) {
    return new ConfigMapBuilder().withMetadata(Meta.of(p, name(p)))
        .withData(new TreeMap<>(p.spec().config().files())).build();
  }

  /** A short content hash; pods carry it so that a config change rolls them. */
  static String hash(Plan p) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> f : new TreeMap<>(p.spec().config().files()).entrySet()) {
        d.update(f.getKey().getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(f.getValue().getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
      }
      return HexFormat.of().formatHex(d.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
