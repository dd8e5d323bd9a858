package org.sidis.migration.code;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading a unit in its own class loader, and every way loading can fail, without actors. */
class CodeLoaderTest {

  private final CodeLoader loader = new CodeLoader();

  @Test
  void theShippedClassesAreOnNoClassPathOfThisJvm() {
    // Negative control for the tests below: were shipped.sort.SortJob loadable by name here, a
    // test that runs it would prove nothing about bytes crossing the wire.
    assertThrows(ClassNotFoundException.class, () -> Class.forName(ShippedCode.SORT_ENTRY));
    assertThrows(ClassNotFoundException.class, () -> Class.forName(ShippedCode.SORT_ENTRY, false, ClassLoader.getSystemClassLoader()));
  }

  @Test
  void loadsTheEntryInALoaderOfItsOwn() throws Exception {
    CodeUnit unit = ShippedCode.sortUnit();
    CodeLoader.Job job = assertInstanceOf(CodeLoader.Job.class, loader.load(unit, "n2"));
    Class<?> entry = job.loader().loadClass(ShippedCode.SORT_ENTRY);
    assertSame(job.loader(), entry.getClassLoader());
    assertInstanceOf(UnitClassLoader.class, job.loader());
    assertEquals("code-unit-sort", job.loader().getName());
    assertTrue(MobileJob.class.isAssignableFrom(entry));
    // The SPI is the host's, shared through the parent, not a copy of the unit's.
    assertSame(MobileJob.class, job.loader().loadClass(MobileJob.class.getName()));
  }

  @Test
  void twoLoadsOfOneUnitAreIsolatedFromEachOther() throws Exception {
    CodeUnit unit = ShippedCode.sortUnit();
    CodeLoader.Job a = assertInstanceOf(CodeLoader.Job.class, loader.load(unit, "n2"));
    CodeLoader.Job b = assertInstanceOf(CodeLoader.Job.class, loader.load(unit, "n2"));
    assertNotSame(a.loader().loadClass(ShippedCode.SORT_ENTRY), b.loader().loadClass(ShippedCode.SORT_ENTRY));
    CodeLoader.Job filter = assertInstanceOf(CodeLoader.Job.class, loader.load(ShippedCode.filterUnit(), "n2"));
    assertThrows(ClassNotFoundException.class, () -> filter.loader().loadClass(ShippedCode.SORT_ENTRY));
  }

  @Test
  void damagedClassBytesAreBadClass() {
    Map<String, byte[]> classes = new HashMap<>(ShippedCode.compile(ShippedCode.SORT));
    classes.put("shipped.sort.Order", new byte[] {(byte) 0xCA, (byte) 0xFE, 1, 2, 3});
    CodeLoader.Failed f = assertInstanceOf(CodeLoader.Failed.class, loader.load(CodeUnit.of("sort", ShippedCode.SORT_ENTRY, classes), "n2"));
    assertEquals(Refusal.BAD_CLASS, f.reason());
    assertTrue(f.detail().contains("shipped.sort.Order"), f.detail());
  }

  @Test
  void aMissingEntryClassIsNoEntry() {
    CodeLoader.Failed f = assertInstanceOf(CodeLoader.Failed.class,
        loader.load(CodeUnit.of("sort", "shipped.sort.Missing", ShippedCode.compile(ShippedCode.SORT)), "n2"));
    assertEquals(Refusal.NO_ENTRY, f.reason());
    assertTrue(f.detail().contains("shipped.sort.Missing"), f.detail());
  }

  @Test
  void anEntryThatIsTheHostsOwnClassIsNoEntry() {
    CodeLoader.Failed f = assertInstanceOf(CodeLoader.Failed.class,
        loader.load(CodeUnit.of("sort", MobileJob.class.getName(), ShippedCode.compile(ShippedCode.SORT)), "n2"));
    assertEquals(Refusal.NO_ENTRY, f.reason());
  }

  @Test
  void anEntryThatIsNoMobileJobIsRefused() {
    CodeLoader.Failed f = assertInstanceOf(CodeLoader.Failed.class,
        loader.load(CodeUnit.of("plain", "shipped.bad.Plain", ShippedCode.compile(ShippedCode.NOT_A_JOB)), "n2"));
    assertEquals(Refusal.NOT_A_JOB, f.reason());
    assertTrue(f.detail().contains("MobileJob"), f.detail());
  }

  @Test
  void aConstructorThatThrowsIsEntryFailedWithItsCause() {
    CodeLoader.Failed f = assertInstanceOf(CodeLoader.Failed.class,
        loader.load(CodeUnit.of("throwing", "shipped.bad.Throwing", ShippedCode.compile(ShippedCode.THROWING)), "n2"));
    assertEquals(Refusal.ENTRY_FAILED, f.reason());
    assertTrue(f.detail().contains("boom in the constructor"), f.detail());
  }
}
