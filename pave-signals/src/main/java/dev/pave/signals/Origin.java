package dev.pave.signals;

import java.time.Instant;

/** Where a signal came from, with what only that source knows. */
public sealed interface Origin {

  /** The intake or component name used in CloudEvents sources and ECS event.provider. */
  String provider();

  /** One alert of an Alertmanager webhook notification. */
  record Alert(String receiver, String groupKey, String fingerprint, Instant startsAt,
      Instant endsAt, String generatorUrl, String externalUrl) implements Origin {
    @Override
    public String provider() {
      return "alertmanager";
    }
  }

  /** A core/v1 Event of a managed namespace. */
  record KubernetesEvent(String uid, String reason, String component, String eventType,
      int count) implements Origin {
    @Override
    public String provider() {
      return "kubernetes";
    }
  }

  /** An Event the Pave operator emitted on an Application: a deploy, rollback, drift or policy decision. */
  record Platform(String reason, Integer revision, String changedBy) implements Origin {
    @Override
    public String provider() {
      return "pave-operator";
    }
  }

  /** A CloudEvent from another source, with its own identity kept. */
  record External(String source, String type, String id) implements Origin {
    @Override
    public String provider() {
      return "cloudevents";
    }
  }
}
