package dev.ergon.spi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The SPI is what backend authors compile against: it must stay JDK-only. */
class SpiDependencyRulesTest {
    private final JavaClasses spi = new ClassFileImporter()
            // not ImportOption.Predefined.DO_NOT_INCLUDE_TESTS: it only knows target/test-classes, and the
            // build folder is configurable (-Dergon.target)
            .withImportOption(location -> !location.contains("/test-classes/"))
            .importPackages("dev.ergon.spi");

    @Test
    void spiImportsNoFrameworkTypes() {
        noClasses()
                .that()
                .resideInAPackage("dev.ergon.spi..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.helidon..",
                        "jakarta..",
                        "javax.persistence..",
                        "org.eclipse.persistence..",
                        "io.kubernetes..",
                        "org.jclouds..",
                        "io.vertx..",
                        "org.postgresql..")
                .because("dev.ergon.spi must depend on the JDK only (DESIGN.md)")
                .check(spi);
    }

    @Test
    void spiDependsOnJdkOnly() {
        noClasses()
                .that()
                .resideInAPackage("dev.ergon.spi..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("dev.ergon.spi..", "java..")
                .check(spi);
    }
}
