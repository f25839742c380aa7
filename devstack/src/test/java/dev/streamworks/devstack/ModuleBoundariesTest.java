package dev.streamworks.devstack;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module boundaries the README's module table states, checked on the compiled production classes of every
 * module (the devstack is the one module that sees them all): services never import each other,
 * {@code common} imports no service, and {@code domain} packages import neither Spring nor Kafka.
 */
class ModuleBoundariesTest {

    private static final String[] SERVICES = {"clickstream", "iot", "fraud", "cdc"};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.streamworks");
    }

    @Test
    void shouldSeeTheClassesOfEveryModule() {
        assertThat(classes.stream().map(type -> type.getPackageName().split("\\.")[2]).distinct())
                .contains("common", "iot", "clickstream", "fraud", "cdc", "devstack");
    }

    @ParameterizedTest
    @ValueSource(strings = {"clickstream", "iot", "fraud", "cdc"})
    void servicesShouldNotImportEachOther(String service) {
        String[] others = Arrays.stream(SERVICES).filter(other -> !other.equals(service))
                .map(other -> "dev.streamworks." + other + "..").toArray(String[]::new);
        noClasses().that().resideInAPackage("dev.streamworks." + service + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .orShould().dependOnClassesThat().resideInAPackage("dev.streamworks.devstack..")
                .check(classes);
    }

    @Test
    void commonShouldImportNoService() {
        noClasses().that().resideInAPackage("dev.streamworks.common..")
                .should().dependOnClassesThat().resideInAnyPackage(Arrays.stream(SERVICES)
                        .map(service -> "dev.streamworks." + service + "..").toArray(String[]::new))
                .orShould().dependOnClassesThat().resideInAPackage("dev.streamworks.devstack..")
                .check(classes);
    }

    @Test
    void domainShouldImportNeitherSpringNorKafka() {
        noClasses().that().resideInAPackage("..domain..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..")
                .allowEmptyShould(true)
                .check(classes);
    }
}
