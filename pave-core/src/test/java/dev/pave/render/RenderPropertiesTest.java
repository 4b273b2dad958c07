package dev.pave.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pave.identity.Identity;
import dev.pave.spec.Application;
import dev.pave.spec.ApplicationChecks;
import dev.pave.spec.ApplicationSpec;
import dev.pave.spec.Autoscale;
import dev.pave.spec.Config;
import dev.pave.spec.Dependency;
import dev.pave.spec.EnvValue;
import dev.pave.spec.Environment;
import dev.pave.spec.EnvironmentSpec;
import dev.pave.spec.Environments;
import dev.pave.spec.Expose;
import dev.pave.spec.Job;
import dev.pave.spec.Metadata;
import dev.pave.spec.Resources;
import dev.pave.spec.Size;
import dev.pave.spec.SourceMap;
import dev.pave.spec.Tier;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties every valid spec must have once rendered, in any environment. */
class RenderPropertiesTest {

  @Property(tries = 300)
  void renderingIsDeterministic(@ForAll("apps") Application app, @ForAll("envs") Environment env) {
    String first = Manifests.yaml(Renderer.render(app, env));
    String second = Manifests.yaml(Renderer.render(app, env));
    assertThat(second).isEqualTo(first);
  }

  @Property(tries = 300)
  void everyObjectCarriesTheIdentityLabels(@ForAll("apps") Application app,
      @ForAll("envs") Environment env) {
    List<HasMetadata> out = Renderer.render(app, env);
    String tier = app.spec().tier() == null ? "standard"
        : app.spec().tier().name().toLowerCase(java.util.Locale.ROOT);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(Identity.NAME, app.name());
    expected.put(Identity.INSTANCE, app.name() + "-" + env.name());
    expected.put(Identity.VERSION, Identity.versionOf(app.spec().image()));
    expected.put(Identity.PART_OF, app.spec().team());
    expected.put(Identity.MANAGED_BY, "pave");
    expected.put(Identity.TEAM, app.spec().team());
    expected.put(Identity.ENVIRONMENT, env.name());
    expected.put(Identity.TIER, tier);
    for (HasMetadata o : out) {
      assertThat(o.getMetadata().getLabels()).as(o.getKind()).containsAllEntriesOf(expected);
    }
    for (PodSpecWithLabels pod : pods(out)) {
      assertThat(pod.labels()).containsAllEntriesOf(expected);
    }
  }

  @Property(tries = 300)
  void everyPodPassesTheRestrictedPodSecurityControls(@ForAll("apps") Application app,
      @ForAll("envs") Environment env) {
    for (PodSpecWithLabels pod : pods(Renderer.render(app, env))) {
      PodSpec s = pod.spec();
      assertThat(s.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
      assertThat(s.getHostPID()).isNotEqualTo(Boolean.TRUE);
      assertThat(s.getHostIPC()).isNotEqualTo(Boolean.TRUE);
      assertThat(s.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(s.getSecurityContext().getRunAsUser()).isNotZero();
      assertThat(s.getSecurityContext().getSeccompProfile().getType())
          .isIn("RuntimeDefault", "Localhost");
      assertThat(s.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath() == null
          && (v.getEmptyDir() != null || v.getConfigMap() != null
          || v.getPersistentVolumeClaim() != null || v.getSecret() != null
          || v.getProjected() != null)).isTrue());
      List<Container> all = new ArrayList<>(s.getContainers());
      all.addAll(s.getInitContainers());
      for (Container c : all) {
        var sc = c.getSecurityContext();
        assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).contains("ALL");
        assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getPorts()).allSatisfy(p -> assertThat(p.getHostPort()).isNull());
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
      }
    }
  }

  @Property(tries = 300)
  void theNetworkPolicyAllowsExactlyTheDeclaredDependencies(@ForAll("apps") Application app,
      @ForAll("envs") Environment env) {
    List<HasMetadata> out = Renderer.render(app, env);
    NetworkPolicy np = Specs.only(out, NetworkPolicy.class);
    List<NetworkPolicyEgressRule> rules = np.getSpec().getEgress();
    List<Dependency> deps = app.spec().dependsOn() == null ? List.of() : app.spec().dependsOn();
    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(rules).hasSize(deps.size() + 1);
    NetworkPolicyEgressRule dns = rules.get(0);
    assertThat(dns.getTo().get(0).getPodSelector().getMatchLabels())
        .containsEntry("k8s-app", "kube-dns");
    assertThat(dns.getPorts()).extracting(p -> p.getPort().getIntVal()).containsOnly(53);
    Settings settings = Settings.of(env);
    for (int i = 0; i < deps.size(); i++) {
      Dependency d = deps.get(i);
      NetworkPolicyEgressRule r = rules.get(i + 1);
      assertThat(r.getTo()).hasSize(1);
      var peer = r.getTo().get(0);
      if (d.app() != null) {
        String team = d.team() != null ? d.team() : app.spec().team();
        assertThat(peer.getNamespaceSelector().getMatchLabels())
            .containsExactly(Map.entry("kubernetes.io/metadata.name",
                settings.namespaceFor(d.app(), team)));
        assertThat(peer.getPodSelector().getMatchLabels())
            .containsExactly(Map.entry(Identity.NAME, d.app()));
        assertThat(peer.getIpBlock()).isNull();
      } else if (d.host() != null) {
        assertThat(peer.getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
        assertThat(peer.getIpBlock().getExcept()).contains("10.0.0.0/8");
        assertThat(r.getPorts()).singleElement().extracting(p -> p.getPort().getIntVal())
            .isEqualTo(d.port() != null ? d.port() : 443);
      } else {
        assertThat(peer.getIpBlock().getCidr()).isEqualTo(d.cidr());
      }
      if (d.port() != null) {
        assertThat(r.getPorts()).singleElement().extracting(p -> p.getPort().getIntVal())
            .isEqualTo(d.port());
      } else if (d.host() == null) {
        assertThat(r.getPorts()).isEmpty();
      }
    }
    for (var in : np.getSpec().getIngress()) {
      assertThat(in.getPorts()).isNotEmpty();
      assertThat(in.getFrom()).isNotEmpty();
    }
  }

  record PodSpecWithLabels(PodSpec spec, Map<String, String> labels) {}

  static List<PodSpecWithLabels> pods(List<HasMetadata> out) {
    List<PodSpecWithLabels> pods = new ArrayList<>();
    for (HasMetadata o : out) {
      if (o instanceof Deployment d) {
        pods.add(new PodSpecWithLabels(d.getSpec().getTemplate().getSpec(),
            d.getSpec().getTemplate().getMetadata().getLabels()));
      } else if (o instanceof CronJob c) {
        var t = c.getSpec().getJobTemplate().getSpec().getTemplate();
        pods.add(new PodSpecWithLabels(t.getSpec(), t.getMetadata().getLabels()));
      }
    }
    return pods;
  }

  @Provide
  Arbitrary<Environment> envs() {
    Arbitrary<Environment> custom = Combinators.combine(
        Arbitraries.of("{app}-{env}", "{team}-{env}", "{env}-{team}-{app}", "apps"),
        Arbitraries.integers().between(0, 3),
        Arbitraries.of(true, false),
        Arbitraries.of(true, false),
        Arbitraries.of(true, false)).as((template, floor, prom, spread, gateway) ->
        new Environment("pave.dev/v1alpha1", "Environment", new Metadata("qa", null, null, null),
            new EnvironmentSpec("qa-1", template, "qa.example.com", null,
                gateway ? new EnvironmentSpec.Gateway("public", "gateway-system", null) : null,
                floor, Size.MEDIUM, prom, null, null, null, spread, null,
                gateway ? null : "letsencrypt", null, null, null)));
    return Arbitraries.oneOf(Arbitraries.of(List.copyOf(Environments.builtIn().values())),
        custom);
  }

  @Provide
  Arbitrary<Application> apps() {
    Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
        .ofMaxLength(12);
    Arbitrary<String> image = Combinators.combine(label, Arbitraries.of("1.0.0", "2.3.4-rc1",
        "latest", "v7")).as((n, t) -> "registry.example.com/team/" + n + ":" + t);
    Arbitrary<Integer> port = Arbitraries.integers().between(1024, 65535).injectNull(0.3);
    Arbitrary<Dependency> dep = Arbitraries.oneOf(
        Combinators.combine(label, Arbitraries.integers().between(1, 65535).injectNull(0.5))
            .as((a, p) -> new Dependency("dep-" + a, null, null, null, p)),
        Combinators.combine(label, label).as((t, a) -> new Dependency("x" + a, "t" + t, null,
            null, null)),
        Combinators.combine(label, Arbitraries.integers().between(1, 65535).injectNull(0.5))
            .as((h, p) -> new Dependency(null, null, h + ".example.com", null, p)),
        Combinators.combine(Arbitraries.integers().between(0, 255),
            Arbitraries.integers().between(8, 32)).as((o, bits) ->
            new Dependency(null, null, null, "10." + o + ".0.0/" + bits, null)));
    Arbitrary<List<Dependency>> deps = dep.list().ofMaxSize(6).uniqueElements(Dependency::describe);
    Arbitrary<Boolean> scaled = Arbitraries.of(true, false);
    Arbitrary<Integer> replicas = Arbitraries.integers().between(0, 5);
    Arbitrary<Tier> tier = Arbitraries.of(Tier.class).injectNull(0.3);
    Arbitrary<List<Job>> jobs = label.list().ofMaxSize(2).uniqueElements().map(names ->
        names.stream().map(n -> new Job(n, "*/5 * * * *", null, null, null, null, null, null,
            null)).toList());
    Arbitrary<Boolean> withConfig = Arbitraries.of(true, false);
    return Combinators.combine(List.of(label.asGeneric(), label.asGeneric(), image.asGeneric(),
        port.asGeneric(), deps.asGeneric(), scaled.asGeneric(), replicas.asGeneric(),
        tier.asGeneric(), jobs.asGeneric(), withConfig.asGeneric())).as(v -> {
          String name = (String) v.get(0);
          String team = (String) v.get(1);
          Integer p = (Integer) v.get(3);
          @SuppressWarnings("unchecked")
          List<Dependency> ds = ((List<Dependency>) v.get(4)).stream()
              .filter(d -> !name.equals(d.app())).toList();
          boolean autoscale = (Boolean) v.get(5);
          @SuppressWarnings("unchecked")
          List<Job> js = (List<Job>) v.get(8);
          ApplicationSpec spec = new ApplicationSpec(team, (String) v.get(2), p, null,
              (Tier) v.get(7), null, null, Map.of("LOG_LEVEL", EnvValue.plain("info"),
              "DB_PASSWORD", new EnvValue(null, "db", null, "password")),
              new Resources(Size.SMALL, null, null),
              autoscale ? null : (Integer) v.get(6),
              autoscale ? new Autoscale(1, 4, null) : null,
              null,
              p == null ? new Expose(Expose.Type.NONE, null, null, null)
                  : new Expose(Expose.Type.values()[p % 3], null, null, null),
              ds.isEmpty() ? null : ds,
              (Boolean) v.get(9) ? new Config(null, Map.of("app.conf", "a=" + name)) : null,
              null, js.isEmpty() ? null : js, null, "owner@example.com", null, null, null, null);
          Application app = new Application("pave.dev/v1alpha1", "Application",
              new Metadata(name, null, null, null), spec);
          assertThat(ApplicationChecks.check(app, new SourceMap("generated"))).as("generated"
              + " spec must be valid").isEmpty();
          return app;
        });
  }

}
