package dev.pave.control;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/** The cluster-scoped Team resource; its spec is read with the same reader as a file. */
@Group("pave.dev")
@Version("v1alpha1")
@Kind("Team")
@Plural("teams")
public class TeamResource extends CustomResource<Map<String, Object>, Map<String, Object>> {}
