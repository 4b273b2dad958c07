package dev.pave.signals.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a credential or a CA bundle comes from. The configuration file names files
 * ({@code passwordFile: pw}, read relative to the file); a SignalSink resource names keys of
 * Secrets in its namespace ({@code passwordSecretRef: {name: itsm, key: password}}). The sink
 * fields are read by one implementation either way: each credential is asked for by its
 * logical name ({@code password}) and the source says which field carries it.
 */
public sealed interface SecretSource {
  /** The field carrying credential {@code name}: {@code nameFile} or {@code nameSecretRef}. */
  String field(String name);

  /** Reads the credential, reporting a problem at its field when it cannot; null if absent. */
  Secret read(Fields f, String name);

  /** Files relative to the configuration file's directory. */
  static SecretSource files(Path baseDir) {
    return new FromFiles(baseDir);
  }

  /** Keys of Secrets in one namespace, looked up by {@code lookup(name, key)}. */
  static SecretSource secrets(String namespace, SecretLookup lookup) {
    return new FromSecrets(namespace, lookup);
  }

  /** Reads one key of one Secret; empty when the Secret or the key does not exist. */
  @FunctionalInterface
  interface SecretLookup {
    Optional<byte[]> get(String secret, String key) throws Exception;
  }

  /** Credentials in files. */
  record FromFiles(Path baseDir) implements SecretSource {
    @Override
    public String field(String name) {
      return name + "File";
    }

    @Override
    public Secret read(Fields f, String name) {
      String key = field(name);
      String file = f.string(key, null);
      if (file == null) {
        return null;
      }
      Path p = baseDir == null ? Path.of(file) : baseDir.resolve(file);
      try {
        String text = Files.readString(p).strip();
        if (text.isEmpty()) {
          f.problem(key, "the file " + p + " is empty");
          return null;
        }
        return new Secret(text.getBytes(StandardCharsets.UTF_8), p.toString());
      } catch (IOException e) {
        f.problem(key, "cannot read the file " + p + " (" + e.getClass().getSimpleName() + ")");
        return null;
      }
    }
  }

  /** Credentials in Secrets of the resource's namespace; their values never reach a message. */
  record FromSecrets(String namespace, SecretLookup lookup) implements SecretSource {
    @Override
    public String field(String name) {
      return name + "SecretRef";
    }

    @Override
    public Secret read(Fields f, String name) {
      String field = field(name);
      if (!f.has(field)) {
        return null;
      }
      Fields ref = f.object(field);
      ref.allow("name", "key");
      String secret = ref.required("name", "the Secret's name (in namespace " + namespace + ")");
      String key = ref.required("key", "the key of the Secret's data");
      if (secret == null || key == null) {
        return null;
      }
      Optional<byte[]> value;
      try {
        value = lookup.get(secret, key);
      } catch (Exception e) {
        f.problem(field, "cannot read Secret " + namespace + "/" + secret + ": "
            + e.getClass().getSimpleName());
        return null;
      }
      if (value.isEmpty()) {
        f.problem(field, "Secret " + namespace + "/" + secret + " has no key \"" + key
            + "\" (or does not exist)");
        return null;
      }
      String text = new String(value.get(), StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        f.problem(field, "key \"" + key + "\" of Secret " + namespace + "/" + secret
            + " is empty");
        return null;
      }
      return new Secret(text.getBytes(StandardCharsets.UTF_8), "secret " + namespace + "/"
          + secret + "#" + key);
    }
  }
}
