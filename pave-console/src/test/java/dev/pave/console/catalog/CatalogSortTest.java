package dev.pave.console.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogSortTest {
  static ServiceEntry entry(String app, String team, String image, String created) {
    return new ServiceEntry(app, "dev", "apps", app + "-dev", team, null, null, null, 1,
        "Available", "Healthy", "", "Pass", 0, 0, 1, Applications.imageName(image),
        Applications.imageVersion(image), created);
  }

  static final List<ServiceEntry> INDEX = List.of(
      entry("a", "zeta", "r.example.com/a:2.0", "2026-01-03T00:00:00Z"),
      entry("b", null, "r.example.com:5000/b", "2026-01-01T00:00:00Z"),
      entry("c", "alpha", "r.example.com/c@sha256:00", null));

  static List<String> apps(CatalogQuery q) {
    return q.run(INDEX).items().stream().map(ServiceEntry::app).toList();
  }

  @Test
  void sortsByAColumnEitherWayWithMissingValuesLastAscending() {
    assertThat(apps(query("team", false))).containsExactly("c", "a", "b");
    assertThat(apps(query("team", true))).containsExactly("b", "a", "c");
    assertThat(apps(query("age", false))).as("youngest first").containsExactly("a", "b", "c");
    assertThat(apps(query(null, false))).as("the index's order").containsExactly("a", "b", "c");
  }

  @Test
  void pagesAfterSorting() {
    var q = new CatalogQuery(null, null, null, null, null, null, 2, 1, "team", false);
    assertThat(q.run(INDEX).items()).extracting(ServiceEntry::app).containsExactly("a");
    assertThat(q.run(INDEX).pages()).isEqualTo(3);
  }

  @Test
  void anUnknownColumnNamesTheValidOnes() {
    assertThatThrownBy(() -> query("colour", false)).hasMessageContaining("sort: no column")
        .hasMessageContaining("\"colour\"").hasMessageContaining("team, owner");
  }

  @Test
  void theVersionIsTheTagOrDigestAndLatestWithoutEither() {
    assertThat(INDEX).extracting(ServiceEntry::image).containsExactly("r.example.com/a",
        "r.example.com:5000/b", "r.example.com/c");
    assertThat(INDEX).extracting(ServiceEntry::version).containsExactly("2.0", "latest",
        "sha256:00");
  }

  static CatalogQuery query(String sort, boolean descending) {
    return new CatalogQuery(null, null, null, null, null, null, 1, 50, sort, descending);
  }
}
