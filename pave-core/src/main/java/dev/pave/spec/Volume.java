package dev.pave.spec;

/** Writable storage beyond the temporary directory every container gets. */
public record Volume(
    @Doc(value = "Volume name.", required = true, pattern = Names.DNS_LABEL, example = "cache")
        String name,
    @Doc(value = "Where the volume is mounted.", required = true, pattern = "^/.*$",
        example = "/var/cache/app")
        String mountPath,
    @Doc("emptyDir (lives with the pod, the default) or persistent (a PersistentVolumeClaim).")
        Type type,
    @Doc(value = "Size limit (emptyDir) or requested size (persistent).",
        pattern = Names.QUANTITY, example = "1Gi")
        String size,
    @Doc("Storage class of a persistent volume (default: the cluster's default class).")
        String storageClass) {

  /** Lifetimes of a volume. */
  public enum Type implements WireName {
    EMPTY_DIR("emptyDir"),
    PERSISTENT("persistent");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    @Override
    public String wireName() {
      return wire;
    }
  }
}
