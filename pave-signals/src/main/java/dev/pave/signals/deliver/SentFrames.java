package dev.pave.signals.deliver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The frames a syslog connection took that are not yet known to have arrived. TCP tells the
 * sender nothing about what the receiver read: a write the kernel accepted can still be lost
 * when the receiver closes with unread data (it answers with a reset) or when the peer had
 * already closed and the frame met its reset. So the frames written since the connection was
 * last seen open are kept, and sent again on the next connection once the old one is found
 * closed; a frame written {@code settle} nanoseconds before the connection was seen open is
 * taken as read, since a live receiver reads its socket continuously.
 */
final class SentFrames {
  private record Frame(byte[] bytes, long writtenAt) {}

  private final long settleNanos;
  private final int maxFrames;
  private final Deque<Frame> onConnection = new ArrayDeque<>();
  private final List<byte[]> resend = new ArrayList<>();
  private long lastSeenOpen = Long.MIN_VALUE;

  SentFrames(long settleNanos, int maxFrames) {
    this.settleNanos = settleNanos;
    this.maxFrames = maxFrames;
  }

  /** The current connection took {@code frame} at {@code now}. */
  void written(byte[] frame, long now) {
    onConnection.addLast(new Frame(frame, now));
    // Bounded memory: beyond this many unconfirmed frames the oldest are given up on.
    while (onConnection.size() > maxFrames) {
      onConnection.removeFirst();
    }
  }

  /** The connection was open at {@code now}: frames older than the settle time arrived. */
  void seenOpen(long now) {
    lastSeenOpen = now;
    while (!onConnection.isEmpty() && now - onConnection.peekFirst().writtenAt() > settleNanos) {
      onConnection.removeFirst();
    }
  }

  /**
   * The peer closed cleanly (FIN without reset): it had read everything that reached it
   * before it closed, so only the frames written after it was last seen open are in doubt.
   */
  void closedCleanly() {
    for (Frame f : onConnection) {
      if (f.writtenAt() >= lastSeenOpen) {
        resend.add(f.bytes());
      }
    }
    onConnection.clear();
  }

  /** The connection was reset or a write failed: every frame not yet settled is in doubt. */
  void lost() {
    for (Frame f : onConnection) {
      resend.add(f.bytes());
    }
    onConnection.clear();
    while (resend.size() > maxFrames) {
      resend.remove(0);
    }
  }

  /** Frames to send first on the next connection, oldest first; they are then forgotten. */
  List<byte[]> takeResend() {
    List<byte[]> out = List.copyOf(resend);
    resend.clear();
    return out;
  }

  int inDoubt() {
    return onConnection.size() + resend.size();
  }
}
