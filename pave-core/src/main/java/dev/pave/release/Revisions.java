package dev.pave.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Recording and keeping revisions. A new revision is made only when the rendered output
 * changes, so a reconcile that is interrupted and runs again never records the same release
 * twice.
 */
public final class Revisions {
  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .build();

  /** Revisions kept per application and environment unless configured otherwise. */
  public static final int DEFAULT_RETENTION = 20;

  private Revisions() {}

  /** SHA-256 of the objects in canonical JSON (keys sorted), hex. */
  public static String hash(List<Map<String, Object>> objects) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(CANONICAL.writeValueAsBytes(objects)));
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The revision to record for this output, or empty when the latest already is it. */
  public static Optional<Revision> next(List<Revision> history,
      List<Map<String, Object>> objects, String spec, String changedBy, Instant at,
      String sourceCommit) {
    String hash = hash(objects);
    Optional<Revision> latest = history.stream().max(Comparator.comparingInt(Revision::number));
    if (latest.isPresent() && latest.get().hash().equals(hash)) {
      return Optional.empty();
    }
    int number = latest.map(r -> r.number() + 1).orElse(1);
    return Optional.of(new Revision(number, hash, compress(objects), spec, changedBy, at,
        sourceCommit));
  }

  /**
   * The revisions to delete so that at most {@code keep} remain, oldest first, never one of
   * {@code protect} (the current one, the one pinned by a rollback, the last available one).
   */
  public static List<Revision> expired(List<Revision> history, int keep, Set<Integer> protect) {
    List<Revision> sorted = new ArrayList<>(history);
    sorted.sort(Comparator.comparingInt(Revision::number));
    List<Revision> out = new ArrayList<>();
    int excess = sorted.size() - keep;
    for (Revision r : sorted) {
      if (excess <= 0) {
        break;
      }
      if (!protect.contains(r.number())) {
        out.add(r);
        excess--;
      }
    }
    return out;
  }

  public static String compress(List<Map<String, Object>> objects) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
        gz.write(CANONICAL.writeValueAsBytes(objects));
      }
      return Base64.getEncoder().encodeToString(bytes.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("in-memory compression failed", e);
    }
  }

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> objects(Revision r) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(
        Base64.getDecoder().decode(r.objects())))) {
      return CANONICAL.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8),
          List.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("revision " + r.number() + " holds no readable objects",
          e);
    }
  }
}
