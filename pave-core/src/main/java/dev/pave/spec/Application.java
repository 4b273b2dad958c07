package dev.pave.spec;

/** A service: the {@code pave.yaml} file, and the custom resource of the same shape. */
public record Application(
    @Doc(value = "Always pave.dev/v1alpha1.", required = true) String apiVersion,
    @Doc(value = "Always Application.", required = true) String kind,
    @Doc(value = "Name and labels.", required = true) Metadata metadata,
    @Doc(value = "The service.", required = true) ApplicationSpec spec) {

  public static final String API_VERSION = "pave.dev/v1alpha1";
  public static final String KIND = "Application";

  public String name() {
    return metadata.name();
  }
}
