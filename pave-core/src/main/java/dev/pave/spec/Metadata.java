package dev.pave.spec;

import java.util.Map;

/** The part of Kubernetes object metadata that a spec author writes. */
public record Metadata(
    @Doc(value = "Name of the service: a DNS label, unique per team.", required = true,
        pattern = Names.DNS_LABEL, example = "checkout")
        String name,
    @Doc("Namespace of the custom resource in the cluster; rendering ignores it.") String namespace,
    @Doc("Labels of the custom resource.") Map<String, String> labels,
    @Doc("Annotations of the custom resource.") Map<String, String> annotations) {}
