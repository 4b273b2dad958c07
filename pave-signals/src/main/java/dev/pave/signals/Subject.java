package dev.pave.signals;

/** The Kubernetes object a signal is about, as far as the source said. Empty strings when unknown. */
public record Subject(String cluster, String namespace, String kind, String name) {
  public static final Subject NONE = new Subject("", "", "", "");

  public Subject {
    cluster = cluster == null ? "" : cluster;
    namespace = namespace == null ? "" : namespace;
    kind = kind == null ? "" : kind;
    name = name == null ? "" : name;
  }
}
