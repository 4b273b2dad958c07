package dev.pave.signals.enrich;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An immutable snapshot of the catalog, indexed the ways signals are matched to it. */
public final class Catalog {
  public static final Catalog EMPTY = new Catalog(List.of());

  private final List<CatalogEntry> entries;
  private final Map<String, CatalogEntry> byInstance = new HashMap<>();
  private final Map<String, List<CatalogEntry>> byApp = new HashMap<>();
  private final Map<String, List<CatalogEntry>> byNamespace = new HashMap<>();

  public Catalog(Collection<CatalogEntry> entries) {
    this.entries = List.copyOf(entries);
    for (CatalogEntry e : this.entries) {
      byInstance.put(e.app() + "\u0000" + e.environment(), e);
      byApp.computeIfAbsent(e.app(), k -> new ArrayList<>()).add(e);
      if (e.namespace() != null) {
        byNamespace.computeIfAbsent(e.namespace(), k -> new ArrayList<>()).add(e);
      }
    }
  }

  public List<CatalogEntry> entries() {
    return entries;
  }

  public CatalogEntry find(String app, String environment) {
    return byInstance.get(app + "\u0000" + environment);
  }

  public List<CatalogEntry> ofApp(String app) {
    return byApp.getOrDefault(app, List.of());
  }

  public List<CatalogEntry> inNamespace(String namespace) {
    return byNamespace.getOrDefault(namespace, List.of());
  }

  /** The entry whose instance name ({@code app-env}) this is. */
  public CatalogEntry ofInstance(String instance) {
    for (CatalogEntry e : entries) {
      if (e.instance().equals(instance)) {
        return e;
      }
    }
    return null;
  }
}
