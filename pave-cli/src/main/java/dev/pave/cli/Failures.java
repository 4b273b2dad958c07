package dev.pave.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns exceptions into kubectl-style one-line errors and exit codes. Only a bug prints a stack
 * trace, and only with PAVE_DEBUG set.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler,
    CommandLine.IParameterExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine cl,
      CommandLine.ParseResult parseResult) {
    PrintWriter err = cl.getErr();
    if (e instanceof UserError u) {
      err.println("error: " + u.getMessage());
      err.flush();
      return u.exitCode();
    }
    if (e instanceof java.io.IOException io) {
      err.println("error: " + describe(io));
      err.flush();
      return unreadableInput(io) ? ExitCode.INVALID : ExitCode.FAILURE;
    }
    String cluster = clusterProblem(e);
    if (cluster != null) {
      err.println("error: " + cluster);
      err.flush();
      return ExitCode.FAILURE;
    }
    err.println("error: internal error: " + e + " (please report it; set PAVE_DEBUG=1 for"
        + " details)");
    if (System.getenv("PAVE_DEBUG") != null) {
      e.printStackTrace(err);
    }
    err.flush();
    return ExitCode.FAILURE;
  }

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("error: " + ex.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("See '" + cl.getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return ExitCode.INVALID;
  }

  /** A failure to talk to the cluster, said in the user's terms, or null. */
  static String clusterProblem(Throwable e) {
    io.fabric8.kubernetes.client.KubernetesClientException k = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
          || t instanceof java.net.http.HttpConnectTimeoutException) {
        return "cannot reach the Kubernetes API (" + t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : ": " + t.getMessage()) + "); check the kubeconfig"
            + " context (--kubeconfig, --context) and that the cluster is up";
      }
      if (t instanceof io.fabric8.kubernetes.client.KubernetesClientException kce && k == null) {
        k = kce;
      }
    }
    if (k == null) {
      return null;
    }
    if (k.getCode() == 401 || k.getCode() == 403) {
      return "the cluster refused the request (HTTP " + k.getCode() + "): "
          + (k.getStatus() != null ? k.getStatus().getMessage() : k.getMessage())
          + "; check the credentials and RBAC of the kubeconfig user";
    }
    return "a request to the cluster failed" + (k.getCode() > 0 ? " (HTTP " + k.getCode() + ")"
        : "") + ": " + (k.getStatus() != null && k.getStatus().getMessage() != null
        ? k.getStatus().getMessage() : k.getMessage());
  }

  /** A file named on the command line that is not there or not readable: nothing was done. */
  static boolean unreadableInput(java.io.IOException e) {
    return e instanceof java.nio.file.NoSuchFileException
        || e instanceof java.nio.file.AccessDeniedException
        || e instanceof java.nio.file.NotDirectoryException;
  }

  static String describe(java.io.IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return n.getFile() + ": no such file or directory";
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return a.getFile() + ": permission denied";
    }
    return e.getMessage();
  }
}
