package com.pb.synth.tradecapture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layout the README's "Layout" section describes, kept as it is: no package cycles, a pure domain. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.pb.synth.tradecapture");
    }

    @Test
    void thePackagesDependOnEachOtherWithoutCycles() {
        slices().matching("com.pb.synth.tradecapture.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theDomainsOwnPackagesDependOnEachOtherWithoutCyclesToo() {
        slices().matching("com.pb.synth.tradecapture.domain.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theReadSideIsARoomOfItsOwnThatNothingElseUses() {
        noClasses().that().resideOutsideOfPackage("com.pb.synth.tradecapture.query..").should().dependOnClassesThat()
                .resideInAPackage("com.pb.synth.tradecapture.query..")
                .because("query/ reads what capture stored; capture and ingest never wait on a read (README, Layout)")
                .check(classes);
    }

    @Test
    void theDomainImportsNoFramework() {
        noClasses().that().resideInAPackage("com.pb.synth.tradecapture.domain..").should().dependOnClassesThat()
                .resideInAnyPackage("io.quarkus..", "io.vertx..", "io.smallrye..", "io.netty..", "org.apache.kafka..",
                        "jakarta..", "javax..", "org.eclipse.microprofile..", "io.micrometer..", "io.opentelemetry..",
                        "org.jboss..", "org.hibernate..", "org.flywaydb..", "io.github.bucket4j..",
                        "com.github.benmanes..", "com.pb.synth.tradecapture.capture..", "com.pb.synth.tradecapture.store..")
                .because("domain/ holds records and pure decisions (README, Layout)").check(classes);
    }
}
