package org.sidis.app;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The frame's rules, checked on the compiled main classes (DESIGN.md, "Layout"): packages form
 * no import cycle; protocol rooms know nothing of the node's internals, the command line, the
 * demos or the benchmarks; the node knows no room; the checkers read traces, not rooms.
 */
class ArchitectureTest {

  /** The protocol rooms and the shared values they use. */
  private static final String[] ROOMS = {"org.sidis.multicast..", "org.sidis.gossip..", "org.sidis.mom..", "org.sidis.rpc..",
      "org.sidis.server..", "org.sidis.files..", "org.sidis.net..", "org.sidis.clock..", "org.sidis.trace..", "org.sidis.wire..",
      "org.sidis.membership.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.sidis");
  }

  @Test
  void packagesFormNoImportCycle() {
    slices().matching("org.sidis.(*)..").should().beFreeOfCycles().check(classes);
  }

  /** Negative control: the same rule does fail on two packages that import each other. */
  @Test
  void theCycleRuleFailsOnACycle() {
    JavaClasses cyclic = new ClassFileImporter().importPackages("org.sidis.app.cycle");
    AssertionError failure = assertThrows(AssertionError.class,
        () -> slices().matching("org.sidis.app.cycle.(*)..").should().beFreeOfCycles().check(cyclic));
    assertTrue(failure.getMessage().contains("Cycle detected"), failure.getMessage());
  }

  @Test
  void roomsDoNotReachTheCommandLineTheDemosTheBenchmarksOrTheCompositionRoot() {
    rule(noClasses().that().resideInAnyPackage(ROOMS).should().dependOnClassesThat()
        .resideInAnyPackage("org.sidis.cli..", "org.sidis.demo..", "org.sidis.bench..", "org.sidis.app..", "org.sidis.check.."));
  }

  @Test
  void roomsKnowTheNodeOnlyThroughTheServiceInterface() {
    rule(noClasses().that().resideInAnyPackage(ROOMS).should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("org.sidis.node")
        .and(DescribedPredicate.not(HasName.Predicates.nameMatching("org\\.sidis\\.node\\.Service(\\$.*)?")))));
  }

  @Test
  void theNodeKnowsNoRoom() {
    rule(noClasses().that().resideInAPackage("org.sidis.node..").should().dependOnClassesThat()
        .resideInAnyPackage("org.sidis.multicast..", "org.sidis.gossip..", "org.sidis.mom..", "org.sidis.rpc..", "org.sidis.server..",
            "org.sidis.files..", "org.sidis.demo..", "org.sidis.bench..", "org.sidis.cli..", "org.sidis.app..", "org.sidis.check.."));
  }

  @Test
  void checkersReadTracesNotRooms() {
    rule(noClasses().that().resideInAPackage("org.sidis.check..").should().dependOnClassesThat()
        .resideInAnyPackage("org.sidis.multicast..", "org.sidis.gossip..", "org.sidis.mom..", "org.sidis.rpc..", "org.sidis.server..",
            "org.sidis.files..", "org.sidis.node..", "org.sidis.demo..", "org.sidis.bench..", "org.sidis.cli..", "org.sidis.app.."));
  }

  private static void rule(ArchRule rule) {
    rule.check(classes);
  }
}
