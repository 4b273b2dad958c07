package dev.pave.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/**
 * A long-running command (a server) started in-process on a thread of its own, with what it
 * prints so far; {@link #stop()} interrupts it as Ctrl-C would and waits for it to end.
 */
final class Running {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  private final AtomicInteger exit = new AtomicInteger(-1);
  private final Thread thread;

  private Running(String... args) {
    CommandLine cl = Pave.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    thread = new Thread(() -> exit.set(cl.execute(args)), "pave-" + args[0]);
  }

  static Running start(String... args) {
    Running r = new Running(args);
    r.thread.start();
    return r;
  }

  /** Stops the command; its exit code, or -1 if it did not end within a minute. */
  int stop() throws InterruptedException {
    thread.interrupt();
    thread.join(TimeUnit.SECONDS.toMillis(60));
    return thread.isAlive() ? -1 : exit.get();
  }
}
