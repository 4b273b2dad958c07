package dev.pave.render;

import dev.pave.spec.Volume;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;

/** PersistentVolumeClaims of persistent volumes. */
final class Claims {
  private Claims() {}

  static String name(Plan p, Volume v) {
    return p.name() + "-" + v.name();
  }

  static List<HasMetadata> render(Plan p) {
    List<HasMetadata> out = new ArrayList<>();
    for (Volume v : p.volumes()) {
      if (v.type() == Volume.Type.PERSISTENT) {
        out.add(new PersistentVolumeClaimBuilder().withMetadata(Meta.of(p, name(p, v)))
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withStorageClassName(v.storageClass())
            .withNewResources().addToRequests("storage", new Quantity(v.size())).endResources()
            .endSpec().build());
      }
    }
    return out;
  }
}
