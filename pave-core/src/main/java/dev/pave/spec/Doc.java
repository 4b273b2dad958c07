package dev.pave.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes a spec field once, for the reader's error messages, the JSON Schema and the CRD
 * schema, so the three never disagree.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Doc {
  /** One sentence for editors and docs. */
  String value();

  /** The reader reports the field as missing when it is absent. */
  boolean required() default false;

  /** A regular expression the scalar value must match (also published in the schema). */
  String pattern() default "";

  /** What a valid value looks like, shown when the pattern does not match. */
  String example() default "";

  /** Inclusive bounds for integers; Long.MIN_VALUE means unbounded. */
  long min() default Long.MIN_VALUE;

  long max() default Long.MAX_VALUE;
}
