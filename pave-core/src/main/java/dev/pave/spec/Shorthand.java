package dev.pave.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static {@code X parse(String)} factory on a spec record that also accepts a scalar,
 * e.g. {@code resources: small} for {@code resources: {size: small}}. The factory throws
 * {@link IllegalArgumentException} with a message saying what would be valid.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Shorthand {
  /** The scalar forms accepted, for docs and the schema. */
  String value();
}
