package dev.pave.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console in Debian's Chromium, as a person uses it: log in, find a service, read a
 * policy finding's explanation, roll back, see the rollback in the timeline, find the workload
 * that bypasses Pave on the adoption page. Screenshots go to target/console-screenshots/.
 */
class ConsoleBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path SHOTS = Chromium.SHOTS;

  @Test
  void logInFindAServiceReadAFindingRollBackAndSeeItInTheTimeline() throws Exception {
    // Skips on a developer's machine without Chromium; fails in CI (CI=true).
    Chromium.start().close();
    List<String> consoleErrors = new ArrayList<>();
    try (ConsoleFixture f = new ConsoleFixture(ConsoleFixture.tempDir());
        Playwright pw = Playwright.create(new Playwright.CreateOptions()
            .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = pw.chromium().launch(new BrowserType.LaunchOptions()
            .setExecutablePath(CHROMIUM).setHeadless(true).setArgs(List.of("--no-sandbox")))) {
      Page page = browser.newPage();
      page.onConsoleMessage(m -> {
        if (m.type().equals("error")) {
          consoleErrors.add(m.text());
        }
      });
      String base = f.console.url().toString();

      page.navigate(base + "/catalog");
      assertThat(page.url()).contains("/login?next=");
      page.getByLabel("Token").fill(f.adminToken);
      page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
          new Page.GetByRoleOptions().setName("Log in")).click();
      page.waitForURL("**/catalog");
      assertThat(f.console.adminToken()).as("the admin token is used up").isEmpty();

      // Search as you type (htmx replaces the results in place).
      page.getByLabel("Search").fill("check");
      page.waitForCondition(() -> !page.locator("#results").innerText().contains("search"));
      assertThat(page.locator("#results").innerText()).contains("checkout")
          .contains("1 service(s)");
      page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("1-catalog.png"))
          .setFullPage(true));
      page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
          new Page.GetByRoleOptions().setName("checkout").setExact(true)).click();
      page.waitForURL("**/services/checkout/dev");

      Locator finding = page.locator("details.finding", new Page.LocatorOptions()
          .setHasText("platform/image-tag"));
      finding.locator("summary").click();
      String explanation = finding.locator(".explanation").innerText();
      assertThat(explanation).isNotBlank();
      page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("2-finding.png"))
          .setFullPage(true));

      page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
          new Page.GetByRoleOptions().setName("Roll back to 1")).click();
      page.waitForURL("**/rollback?to=1");
      page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
          new Page.GetByRoleOptions().setName("Roll back to revision 1")).click();
      String result = page.locator("[role=status]").innerText();
      assertThat(result).containsPattern("rolled back to revision 1 in \\d+ ms");
      page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("3-rolled-back.png")));

      page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
          new Page.GetByRoleOptions().setName("See checkout's timeline")).click();
      assertThat(page.locator("ol.timeline").innerText())
          .contains("Rolled back by admin in the console");
      page.locator("#timeline").scrollIntoViewIfNeeded();
      page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("4-timeline.png"))
          .setFullPage(true));

      page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
          new Page.GetByRoleOptions().setName("Adoption")).click();
      assertThat(page.locator("#unmanaged + table").innerText()).contains("legacy-cron")
          .contains("payments-legacy");
      page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("5-adoption.png"))
          .setFullPage(true));
    }
    assertThat(consoleErrors).as("browser console errors (CSP violations show here)")
        .isEmpty();
  }
}
