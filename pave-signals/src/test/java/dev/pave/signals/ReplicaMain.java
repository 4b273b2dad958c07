package dev.pave.signals;

import dev.pave.signals.config.ConfigReader;
import dev.pave.signals.pipeline.Pipeline;
import dev.pave.signals.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * One replica as its own process, started the way {@code pave signals} starts the pipeline
 * (pave-cli is built after this module, so its main is not on this module's test path): reads
 * the configuration, opens the database by URL, starts, prints its port, runs until killed.
 */
public final class ReplicaMain {
  private ReplicaMain() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    var r = ConfigReader.read(file.toString(), Files.readString(file), file.getParent());
    if (!r.problems().isEmpty()) {
      System.out.println("config: " + r.problems());
      System.exit(2);
    }
    Database db = Database.open(r.config().database());
    Pipeline p = Pipeline.start(r.config(), db, Clock.systemUTC(), System.out::println);
    System.out.println("listening " + p.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
