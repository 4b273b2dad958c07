package dev.pave.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium driven through Playwright's Java client (its driver talks CDP to the
 * installed browser; Playwright's own browser download is never used), plus axe-core for
 * accessibility. Screenshots go to target/console-screenshots/.
 */
final class Chromium implements AutoCloseable {
  static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
  static final Path SHOTS = Path.of("target", "console-screenshots");
  private static final String AXE = axeSource();

  final Playwright playwright;
  final Browser browser;

  private Chromium() {
    playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(EXECUTABLE).setHeadless(true).setArgs(List.of("--no-sandbox")));
  }

  /**
   * The browser, or the test is skipped naming the package to install; in CI (CI=true) a
   * missing Chromium fails the test instead, so a green run always drove a browser.
   */
  static Chromium start() throws IOException {
    if (!Files.isExecutable(EXECUTABLE)) {
      String why = "chromium is not installed (apt-get install chromium, see .ci/run)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, why + "; skipping the browser test");
    }
    Files.createDirectories(SHOTS);
    return new Chromium();
  }

  /** A page that records console errors (CSP violations show there) into {@code errors}. */
  Page page(Browser.NewContextOptions options, List<String> errors) {
    Page page = browser.newContext(options).newPage();
    page.onConsoleMessage(m -> {
      if (m.type().equals("error")) {
        errors.add(page.url() + ": " + m.text());
      }
    });
    return page;
  }

  static void logIn(Page page, String base, String token, String path) {
    page.navigate(base + path);
    page.getByLabel("Token").fill(token);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
    page.waitForURL("**" + path);
  }

  static void shot(Page page, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png"))
        .setFullPage(true));
  }

  /**
   * Runs axe-core over the page as it is and asserts it finds nothing. axe is evaluated
   * through the driver (not a script tag), so the console's CSP stays as strict as it is.
   */
  static void assertAccessible(Page page) {
    if (!(Boolean) page.evaluate("() => typeof window.axe !== 'undefined'")) {
      page.evaluate(AXE);
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> violations = (List<Map<String, Object>>) page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => ({id: v.id,"
            + " impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')"
            + " + ' ' + n.failureSummary)}))");
    List<String> described = new ArrayList<>();
    for (Map<String, Object> v : violations) {
      described.add(v.get("id") + " (" + v.get("impact") + "): " + v.get("help") + " at "
          + v.get("nodes"));
    }
    assertThat(described).as("axe-core violations on " + page.url()).isEmpty();
  }

  private static String axeSource() {
    try (InputStream in = Chromium.class.getResourceAsStream("/axe-core/axe.min.js")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
