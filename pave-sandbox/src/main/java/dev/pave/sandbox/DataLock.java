package dev.pave.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The sandbox's hold on its data directory: an OS file lock on {@code DIR/lock}, so it ends
 * with the process however that ends (kill -9 included) and no stale lock is left to remove.
 * The file holds the holder's process id, for the message another start prints.
 */
final class DataLock implements AutoCloseable {
  static final String FILE = "lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the directory, creating it; fails at once, naming the holder, when it is in use. */
  static DataLock acquire(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this process: another sandbox in the same JVM
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(channel);
      channel.close();
      throw new IllegalStateException(dir + " is in use by another pave up"
          + (holder.isEmpty() ? "" : " (process " + holder + ")") + "; stop it first, or give"
          + " this one a directory of its own with --data DIR");
    }
    channel.truncate(0);
    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
        .getBytes(StandardCharsets.UTF_8)), 0);
    return new DataLock(channel, lock);
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      int n = channel.read(b, 0);
      return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).trim()
          .replaceAll("[^0-9]", "");
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the process lets go of it on exit anyway
    }
  }
}
