package dev.pave.control;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/** The cluster-scoped Environment resource; read with the same reader as .pave/ files. */
@Group("pave.dev")
@Version("v1alpha1")
@Kind("Environment")
@Plural("environments")
public class EnvironmentResource extends CustomResource<Map<String, Object>, Map<String, Object>> {}
