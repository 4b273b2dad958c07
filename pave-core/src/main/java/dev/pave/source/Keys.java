package dev.pave.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

  /**
   * Keys recently read from ASCII bytes, found by their bytes without building a string
   * first. Slots are overwritten without locking: an entry never changes, so a thread sees
   * either a whole entry or none, and at worst looks a key up in the map again.
   */
  private static final Recent[] RECENT = new Recent[4096];

  private static final class Recent {
    final byte[] bytes;
    final String key;

    Recent(byte[] bytes, String key) {
      this.bytes = bytes;
      this.key = key;
    }
  }

  private Keys() {}

  /** The shared instance of the key spelled by the ASCII bytes s[from, to). */
  public static String shared(byte[] s, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + s[i];
    }
    int slot = (h ^ h >>> 16) & (RECENT.length - 1);
    Recent r = RECENT[slot];
    if (r != null && Arrays.equals(r.bytes, 0, r.bytes.length, s, from, to)) {
      return r.key;
    }
    String key = shared(new String(s, from, to - from, StandardCharsets.ISO_8859_1));
    RECENT[slot] = new Recent(Arrays.copyOfRange(s, from, to), key);
    return key;
  }

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
