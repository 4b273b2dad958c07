package dev.pave;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The core is pure: objects in, objects out. It must not reach files, the network, databases,
 * Kubernetes clients, the clock or the environment, and must not know its shells.
 */
class ArchitectureTest {
  static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.pave");

  @Test
  void theCoreDoesNoInputOrOutput() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage(
            "java.nio.file..", "java.nio.channels..", "java.net.http..", "java.sql..",
            "javax.sql..", "javax.net..", "io.fabric8.kubernetes.client..", "okhttp3..",
            "io.vertx..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileInputStream")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileOutputStream")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileReader")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileWriter")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.Socket")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.URL")
        .because("the core must stay pure so every shell gets the same answers")
        .check(CORE);
  }

  @Test
  void theCoreReadsNoClockAndNoEnvironment() {
    noClasses().should().callMethod(System.class, "getenv", String.class)
        .orShould().callMethod(System.class, "getenv")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "getProperty", String.class)
        .orShould().callMethod(java.time.Instant.class, "now")
        .orShould().callMethod(java.time.LocalDateTime.class, "now")
        .orShould().callMethod(java.time.ZonedDateTime.class, "now")
        .because("time and settings are inputs: the shells pass them in")
        .check(CORE);
  }

  @Test
  void theCoreDependsOnNoShell() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.pave.cli..",
            "dev.pave.control..", "dev.pave.signals..", "dev.pave.console..")
        .check(CORE);
  }
}
