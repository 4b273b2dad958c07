package dev.pave.team;

import dev.pave.spec.Doc;
import dev.pave.spec.Metadata;

/** A team: who may do what, where its services run, and how to reach it. Cluster-scoped. */
public record Team(
    @Doc(value = "Always pave.dev/v1alpha1.", required = true) String apiVersion,
    @Doc(value = "Always Team.", required = true) String kind,
    @Doc(value = "The team's name: a DNS label, as Applications name it in spec.team.",
        required = true) Metadata metadata,
    @Doc(value = "Members, environments, size and contacts.", required = true) TeamSpec spec) {

  public static final String API_VERSION = "pave.dev/v1alpha1";
  public static final String KIND = "Team";

  public String name() {
    return metadata.name();
  }
}
