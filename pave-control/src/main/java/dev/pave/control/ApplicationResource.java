package dev.pave.control;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/**
 * The Application custom resource as the operator receives it. The spec stays a plain map: it
 * is read by the same reader as a pave.yaml file, so the cluster accepts exactly what the CLI
 * accepts, short forms included, with the same error messages.
 */
@Group("pave.dev")
@Version("v1alpha1")
@Kind("Application")
@Plural("applications")
public class ApplicationResource extends CustomResource<Map<String, Object>, Map<String, Object>>
    implements Namespaced {}
