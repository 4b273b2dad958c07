package dev.pave.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.pave.control.ApplicationResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What people expect of the console, in Debian's Chromium: sorting and paging the catalog,
 * live health, and no accessibility violation (axe-core) on any page. Screenshots go to
 * target/console-screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleJourneysTest {
  ConsoleFixture f;
  Chromium chromium;
  String base;
  final List<String> consoleErrors = new ArrayList<>();

  /** The admin's session, logged in once: logins are rate limited per client. */
  String adminSession;

  @BeforeAll
  void start() throws Exception {
    chromium = Chromium.start();
    f = new ConsoleFixture(ConsoleFixture.tempDir());
    base = f.console.url().toString();
    Page page = chromium.page(new Browser.NewContextOptions(), consoleErrors);
    Chromium.logIn(page, base, f.token("platform-admin", null, 1), "/catalog");
    adminSession = page.context().storageState();
    page.context().close();
  }

  @AfterAll
  void stop() throws Exception {
    if (f != null) {
      f.close();
    }
    if (chromium != null) {
      chromium.close();
    }
  }

  @AfterEach
  void noConsoleErrors() {
    List<String> seen = List.copyOf(consoleErrors);
    consoleErrors.clear();
    assertThat(seen).as("browser console errors (CSP violations show here)").isEmpty();
  }

  Page loggedIn(String path) throws Exception {
    return loggedIn(path, new Browser.NewContextOptions());
  }

  Page loggedIn(String path, Browser.NewContextOptions options) throws Exception {
    Page page = chromium.page(options.setStorageState(adminSession), consoleErrors);
    page.navigate(base + path);
    return page;
  }

  @Test
  void catalogSortsOnTheServerByAnyColumnAndPagesByNumber() throws Exception {
    Page page = loggedIn("/catalog");
    var service = page.locator("thead th", new Page.LocatorOptions().setHasText("Service"));
    assertThat(service.getAttribute("aria-sort")).isEqualTo("ascending");
    assertThat(rows(page)).containsExactly("checkout", "search");

    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Team")).click();
    page.waitForURL("**sort=team&dir=asc");
    var team = page.locator("thead th", new Page.LocatorOptions().setHasText("Team"));
    assertThat(team.getAttribute("aria-sort")).isEqualTo("ascending");
    assertThat(page.locator("thead th[aria-sort]").count()).isEqualTo(1);
    assertThat(rows(page)).as("discovery before payments").containsExactly("search", "checkout");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Team")).click();
    page.waitForURL("**sort=team&dir=desc");
    assertThat(team.getAttribute("aria-sort")).isEqualTo("descending");
    assertThat(rows(page)).containsExactly("checkout", "search");

    String checkout = page.locator("tbody tr", new Page.LocatorOptions().setHasText("checkout"))
        .innerText();
    assertThat(checkout).contains("payments").contains("owner@example.com")
        .contains("registry.example.com/payments/checkout").contains("latest");
    var age = page.locator("tbody tr time").first();
    assertThat(age.getAttribute("datetime")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(age.getAttribute("title")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
    assertThat(age.innerText()).matches("just now|\\d+ min ago");
    Chromium.shot(page, "catalog-sorted");

    // One service a page: numbered pages, the sort kept across them.
    page.navigate(base + "/catalog?size=1&sort=service&dir=desc");
    assertThat(rows(page)).containsExactly("search");
    var pages = page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Pages"));
    assertThat(pages.locator("a[aria-current=page]").innerText()).isEqualTo("1");
    pages.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions()
        .setName("Page 2")).click();
    page.waitForURL("**page=2**");
    assertThat(page.url()).contains("sort=service&dir=desc");
    assertThat(rows(page)).containsExactly("checkout");
    assertThat(pages.locator("a[aria-current=page]").innerText()).isEqualTo("2");
    Chromium.assertAccessible(page);

    var bad = f.get("/catalog?sort=colour", f.adminToken);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("sort: no column").contains("colour").contains("team");
    page.context().close();
  }

  @Test
  void healthAndRolloutsChangeOnOpenPagesAsTheClusterChanges() throws Exception {
    Page catalog = loggedIn("/catalog");
    Page service = catalog.context().newPage();
    service.navigate(base + "/services/search/dev");
    service.evaluate("() => window.notReloaded = true");
    catalog.evaluate("() => window.notReloaded = true");
    var row = catalog.locator("tbody tr", new Page.LocatorOptions().setHasText("search"));
    assertThat(row.innerText()).contains("Healthy").contains("Available");

    setStatus("search", "False", "Progressing", "Revision 2 is rolling out: 1 of 3 ready.");
    row.locator(".badge.progressing").waitFor();
    service.locator("#status", new Page.LocatorOptions().setHasText("1 of 3 ready")).waitFor();
    assertThat(row.innerText()).as("a rollout under way is not Degraded").contains("Progressing")
        .doesNotContain("Degraded");
    assertThat(catalog.evaluate("() => window.notReloaded")).as("updated in place").isEqualTo(true);
    assertThat(service.evaluate("() => window.notReloaded")).isEqualTo(true);
    Chromium.shot(catalog, "catalog-live");
    Chromium.shot(service, "service-live");

    setStatus("search", "True", "Available", "Revision 1 is available.");
    row.locator(".badge.healthy").waitFor();
    catalog.context().close();

    // Without JavaScript the same pages are whole: read on reload, not pushed.
    Page plain = loggedIn("/catalog", new Browser.NewContextOptions().setJavaScriptEnabled(false));
    assertThat(rows(plain)).containsExactly("checkout", "search");
    plain.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Team")).click();
    plain.waitForURL("**sort=team&dir=asc");
    assertThat(rows(plain)).containsExactly("search", "checkout");
    plain.context().close();
  }

  @Test
  void diffsAreColouredPerObjectAlsoBeforeARollback() throws Exception {
    Page page = loggedIn("/services/checkout/dev/diff?from=1&to=2");
    var deployment = page.locator("section.object-diff.changed", new Page.LocatorOptions()
        .setHas(page.locator("h3", new Page.LocatorOptions().setHasText("Deployment"))));
    assertThat(deployment.locator("h3").innerText()).contains("checkout").endsWith("changed");
    var added = deployment.locator(".added", new com.microsoft.playwright.Locator.LocatorOptions()
        .setHasText("image: registry.example.com/payments/checkout:latest"));
    var removed = deployment.locator(".removed", new com.microsoft.playwright.Locator
        .LocatorOptions().setHasText("image: registry.example.com/payments/checkout:1.4.2"));
    assertThat(added.innerText()).startsWith("+");
    assertThat(removed.innerText()).startsWith("-");
    assertThat(background(added)).as("added and removed lines look different")
        .isNotEqualTo(background(removed)).isNotEqualTo(background(deployment));
    assertThat(deployment.locator(".context").count()).as("lines around a change").isPositive();
    Chromium.shot(page, "diff");

    // The confirmation shows what the rollback changes: back from 2 (latest) to 1.4.2.
    page.navigate(base + "/services/checkout/dev/rollback?to=1");
    assertThat(page.locator("section.object-diff .added").allInnerTexts())
        .anyMatch(l -> l.contains("checkout:1.4.2"));
    assertThat(page.locator("section.object-diff .removed").allInnerTexts())
        .anyMatch(l -> l.contains("checkout:latest"));
    Chromium.shot(page, "rollback-confirm");
    Chromium.assertAccessible(page);
    page.context().close();
  }

  @Test
  void theServicePageShowsTheApplicationsObjectsWithTheirHealthAndOwner() throws Exception {
    Page page = loggedIn("/services/search/dev");
    var app = page.locator("ul.tree > li");
    assertThat(app.locator(".kind").first().innerText()).isEqualTo("Application");
    assertThat(app.innerText()).contains("apps/search");
    var deployment = app.locator("ul > li", new com.microsoft.playwright.Locator.LocatorOptions()
        .setHasText("search-dev/search"));
    // What the page says is what the Deployment in the cluster says (the embedded API runs a
    // Deployment controller, so it moves on its own): the cache is followed, not guessed.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(
        () -> {
          var d = f.client.apps().deployments().inNamespace("search-dev").withName("search")
              .get();
          int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
          int ready = d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0
              : d.getStatus().getReadyReplicas();
          page.reload();
          assertThat(deployment.innerText()).contains(ready + "/" + want + " ready");
          String badge = deployment.locator(".badge").innerText();
          if (ready >= want) {
            assertThat(badge).isEqualTo("Healthy");
          } else {
            assertThat(badge).isIn("Progressing", "Degraded");
          }
        });
    assertThat(deployment.innerText()).contains("Deployment").contains("created");
    deployment.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions()
        .setName("Application/search")).click();
    page.waitForURL("**/services/search/dev");
    page.locator("#objects").scrollIntoViewIfNeeded();
    Chromium.shot(page, "service-objects");
    page.context().close();
  }

  @Test
  void anUnmanagedWorkloadSaysHowToAdoptIt() throws Exception {
    Page page = loggedIn("/adoption");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Deployment/legacy-cron"))
        .click();
    page.waitForURL("**/adoption/payments-legacy/Deployment/legacy-cron");
    assertThat(page.locator("h1").innerText()).contains("legacy-cron").contains("payments-legacy");
    assertThat(page.locator("#init-command").innerText()).isEqualTo("pave init --no-input"
        + " --name legacy-cron --team payments --image"
        + " registry.example.com/payments/legacy-cron:2.1.0");
    Chromium.shot(page, "adopt-workload");
    Chromium.assertAccessible(page);
    assertThat(f.get("/adoption/apps/Deployment/nothing", f.adminToken).statusCode())
        .isEqualTo(404);
    page.context().close();
  }

  @Test
  void anExceptionExpiresOnAPickedDayAndATokenGoesToAPickedTeam() throws Exception {
    Page page = loggedIn("/policies");
    page.locator("summary", new Page.LocatorOptions().setHasText("New exception")).click();
    var expires = page.getByLabel("Expires on (00:00 UTC)");
    assertThat(expires.getAttribute("type")).isEqualTo("date");
    java.time.LocalDate tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
    assertThat(expires.getAttribute("min")).isEqualTo(tomorrow.toString());
    page.getByLabel("Namespace").fill("checkout-dev");
    page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("picked-day");
    page.getByLabel("Rules").fill("platform/image-tag");
    page.getByLabel("Resource name").fill("checkout");
    page.getByLabel("Reason").fill("pinned by digest in the next release");
    page.getByLabel("Owner").fill("ana@example.com");
    expires.fill(tomorrow.plusDays(30).toString());
    Chromium.shot(page, "exception-date");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create exception"))
        .click();
    page.waitForURL("**/policies");
    var created = f.client.genericKubernetesResources("pave.dev/v1alpha1", "PolicyException")
        .inNamespace("checkout-dev").withName("picked-day").get();
    assertThat(((Map<?, ?>) created.getAdditionalProperties().get("spec")).get("expiresAt"))
        .isEqualTo(tomorrow.plusDays(30) + "T00:00:00Z");
    // A day in the past is refused with the field named, even if the browser let it through.
    var r = page.request().post(base + "/exceptions", com.microsoft.playwright.options
        .RequestOptions.create().setForm(com.microsoft.playwright.options.FormData.create()
            .set("_csrf", page.locator("input[name=_csrf]").first().inputValue())
            .set("namespace", "checkout-dev").set("name", "past").set("rules", "platform/image-tag")
            .set("reason", "r").set("owner", "o").set("expiresOn", "2020-01-01")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).contains("expiresOn: 2020-01-01 is not after today");

    page.navigate(base + "/tokens");
    var team = page.getByLabel("Team (for team roles)");
    assertThat(team.locator("option").allInnerTexts()).contains("payments", "discovery");
    page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("ci-search");
    page.getByLabel("Role", new Page.GetByLabelOptions().setExact(true))
        .selectOption("team-member");
    team.selectOption("discovery");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")).click();
    assertThat(page.locator("[role=status]").innerText()).contains("ci-search");
    assertThat(page.locator("tbody tr", new Page.LocatorOptions().setHasText("ci-search"))
        .innerText()).contains("discovery");
    Chromium.shot(page, "token-team");
    page.context().close();
  }

  @Test
  void darkModeFollowsTheSystemAndTheToggleAndPhonesGetNoSidewaysScroll() throws Exception {
    Page page = loggedIn("/catalog", new Browser.NewContextOptions()
        .setColorScheme(com.microsoft.playwright.options.ColorScheme.DARK));
    assertThat(bodyBackground(page)).as("system prefers dark").isEqualTo("rgb(13, 17, 23)");
    Chromium.assertAccessible(page);
    Chromium.shot(page, "catalog-dark");
    var theme = page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Theme"));
    theme.getByRole(AriaRole.LINK, new com.microsoft.playwright.Locator.GetByRoleOptions()
        .setName("light theme")).click();
    page.waitForURL("**/catalog");
    assertThat(bodyBackground(page)).as("picked light over the system's dark")
        .isEqualTo("rgb(255, 255, 255)");
    page.navigate(base + "/services/checkout/dev");
    assertThat(bodyBackground(page)).as("remembered across pages").isEqualTo("rgb(255, 255, 255)");
    page.context().close();

    page = loggedIn("/services/checkout/dev", new Browser.NewContextOptions()
        .setColorScheme(com.microsoft.playwright.options.ColorScheme.LIGHT));
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("dark theme")).click();
    page.waitForURL("**/services/checkout/dev");
    assertThat(bodyBackground(page)).isEqualTo("rgb(13, 17, 23)");
    Chromium.assertAccessible(page);
    Chromium.shot(page, "service-dark");
    page.context().close();

    for (String path : List.of("/catalog", "/services/checkout/dev", "/policies", "/tokens",
        "/adoption")) {
      Page phone = loggedIn(path, new Browser.NewContextOptions().setViewportSize(390, 844)
          .setIsMobile(true).setHasTouch(true));
      assertThat(phone.evaluate("() => document.documentElement.scrollWidth"
          + " - document.documentElement.clientWidth")).as(path + " scrolls sideways at 390 px")
          .isEqualTo(0);
      Chromium.assertAccessible(phone);
      Chromium.shot(phone, "phone-" + path.substring(1).replace('/', '-'));
      phone.context().close();
    }
    assertThat(f.get("/theme?set=dark&next=//evil.example.com", f.adminToken).headers()
        .firstValue("Location").orElseThrow()).as("never a redirect elsewhere")
        .isEqualTo("/catalog");
  }

  @Test
  void anIncidentLinksItsRunbookAndIsAcknowledgedByItsTeam() throws Exception {
    String key = f.incident("search", "Search returns errors");
    Page other = chromium.page(new Browser.NewContextOptions(), consoleErrors);
    Chromium.logIn(other, base, f.token("team-member", "payments", 1), "/incidents/" + key);
    assertThat(other.locator("#ack").innerText()).isEqualTo("not yet");
    assertThat(other.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions()
        .setName("Acknowledge")).count()).as("another team's member may not").isZero();
    other.context().close();

    Page page = loggedIn("/signals");
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Search returns errors"))
        .click();
    page.waitForURL("**/incidents/" + key);
    assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions()
        .setName("Runbook for search")).getAttribute("href"))
        .isEqualTo("https://runbooks.example.com/search");
    assertThat(page.locator("dl.summary").innerText()).contains("search in dev")
        .contains("firing").contains("high");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Acknowledge")).click();
    page.waitForURL("**/incidents/" + key);
    assertThat(page.locator("#ack").innerText()).startsWith("by ").contains("just now");
    assertThat(page.locator("#ack time").getAttribute("title")).endsWith("UTC");
    assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions()
        .setName("Acknowledge")).count()).isZero();
    Chromium.shot(page, "incident");
    Chromium.assertAccessible(page);
    page.navigate(base + "/audit");
    assertThat(page.locator("main").innerText()).contains("incident.acknowledge");
    page.context().close();
  }

  private static String bodyBackground(Page page) {
    return (String) page.evaluate("() => getComputedStyle(document.body).backgroundColor");
  }

  private static String background(com.microsoft.playwright.Locator l) {
    return (String) l.evaluate("e => getComputedStyle(e).backgroundColor");
  }

  @Test
  void everyPageHasNoAccessibilityViolations() throws Exception {
    Page page = chromium.page(new Browser.NewContextOptions(), consoleErrors);
    page.navigate(base + "/login");
    Chromium.assertAccessible(page);
    page.context().close();
    page = loggedIn("/catalog");
    for (String path : List.of("/catalog", "/catalog?sort=age&dir=desc",
        "/services/checkout/dev", "/services/checkout/dev/diff?from=1&to=2",
        "/services/checkout/dev/rollback?to=1", "/policies", "/signals", "/adoption",
        "/tokens", "/audit", "/adoption/payments-legacy/Deployment/legacy-cron",
        "/no-such-page")) {
      page.navigate(base + path);
      Chromium.assertAccessible(page);
    }
    // The error page's own 404 is what the browser reports there, not a fault of the page.
    consoleErrors.removeIf(e -> e.contains("/no-such-page") && e.contains("404"));
    page.context().close();
  }

  private static List<String> rows(Page page) {
    return page.locator("tbody tr th[scope=row] a").allInnerTexts();
  }

  /** Writes the Ready condition and phase an operator would, through the API server. */
  private void setStatus(String app, String ready, String phase, String message) {
    ApplicationResource r = f.client.resources(ApplicationResource.class).inNamespace("apps")
        .withName(app).get();
    Map<String, Object> status = new LinkedHashMap<>(r.getStatus());
    status.put("phase", phase);
    status.put("conditions", List.of(Map.of("type", "Ready", "status", ready,
        "reason", "Rollout" + phase, "message", message)));
    r.setStatus(status);
    f.client.resource(r).updateStatus();
  }
}
