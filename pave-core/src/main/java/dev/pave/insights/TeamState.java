package dev.pave.insights;

import java.time.Instant;
import java.util.Set;

/** When a team was created (null: unknown) and the environments it has deployed to since. */
public record TeamState(Instant createdAt, Set<String> onboarded) {
  public static final TeamState EMPTY = new TeamState(null, Set.of());

  public TeamState {
    onboarded = Set.copyOf(onboarded);
  }
}
