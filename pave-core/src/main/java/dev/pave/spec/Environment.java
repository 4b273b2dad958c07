package dev.pave.spec;

/** A place applications run: dev, staging, prod or any an organisation defines. */
public record Environment(
    @Doc(value = "Always pave.dev/v1alpha1.", required = true) String apiVersion,
    @Doc(value = "Always Environment.", required = true) String kind,
    @Doc(value = "Name and labels.", required = true) Metadata metadata,
    @Doc("Settings; every field has a default.") EnvironmentSpec spec) {

  public static final String KIND = "Environment";

  public String name() {
    return metadata.name();
  }
}
