package dev.streamworks.differential;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The reference model, the generator and the comparison share nothing with what they judge: no
 * class of a service, none of common's events, serdes or streams code, no Kafka, no Spring.
 */
class DifferentialBoundariesTest {

    /** This module's compiled test classes only (scanning the whole classpath for the package is slow). */
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .importPath(Path.of("target", "test-classes", "dev", "streamworks", "differential"));

    @Test
    void referenceGeneratorAndComparisonShouldImportNothingTheyJudge() {
        noClasses().that().resideInAnyPackage("dev.streamworks.differential.ref..", "dev.streamworks.differential.gen..",
                        "dev.streamworks.differential.compare..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.streamworks.clickstream..", "dev.streamworks.iot..",
                        "dev.streamworks.fraud..", "dev.streamworks.cdc..", "dev.streamworks.common..", "org.apache.kafka..",
                        "org.springframework..")
                .check(CLASSES);
    }

    @Test
    void shouldHaveImportedTheReferenceAndTheGenerator() {
        org.assertj.core.api.Assertions.assertThat(CLASSES.stream().map(type -> type.getSimpleName()))
                .contains("ClickstreamReference", "IotReference", "FraudReference", "ClickstreamGenerator", "Comparison");
    }
}
