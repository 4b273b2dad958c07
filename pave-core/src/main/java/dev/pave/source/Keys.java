package dev.pave.source;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance of each mapping key read ("metadata", "securityContext"), the same as
 * the JVM's own for literals. Every document repeats the same few keys, and looking one up in
 * a map compares it with the key found there: with one instance that is an identity check
 * instead of a comparison of the characters, which the client compiler does not make fast.
 */
public final class Keys {
  /** Keys beyond this many distinct ones are kept as read, so odd input cannot grow it. */
  private static final int MAX = 65_536;
  private static final ConcurrentHashMap<String, String> SHARED = new ConcurrentHashMap<>();

  private Keys() {}

  public static String shared(String key) {
    String s = SHARED.get(key);
    if (s != null) {
      return s;
    }
    if (SHARED.size() >= MAX) {
      return key;
    }
    String interned = key.intern();
    SHARED.putIfAbsent(interned, interned);
    return interned;
  }
}
