package org.sidis.migration.code;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A code unit as a value: its digest, its encoding, where its bytes come from, and its immutability. */
class CodeUnitTest {

  private static final Map<String, byte[]> SORT = ShippedCode.compile(ShippedCode.SORT);

  @Test
  void digestIsTheSha256OfTheCanonicalEncoding() {
    CodeUnit unit = CodeUnit.of("sort", ShippedCode.SORT_ENTRY, SORT);
    assertEquals(CodeDigest.of(unit.encode()), unit.digest());
    assertEquals(64, unit.digest().hex().length());
  }

  @Test
  void theSameClassesGiveTheSameDigestWhateverTheirOrderOrSource(@TempDir Path dir) throws IOException {
    Map<String, byte[]> reversed = new TreeMap<>(java.util.Comparator.reverseOrder());
    reversed.putAll(SORT);
    CodeUnit fromMap = CodeUnit.of("sort", ShippedCode.SORT_ENTRY, SORT);
    assertEquals(fromMap.digest(), CodeUnit.of("sort", ShippedCode.SORT_ENTRY, reversed).digest());

    Path jar = dir.resolve("sort.jar");
    Files.write(jar, ShippedCode.jar(SORT));
    CodeUnit fromJar = CodeUnit.fromJar("sort", ShippedCode.SORT_ENTRY, jar);
    assertEquals(fromMap.digest(), fromJar.digest(), "the jar's README.txt is not code and stays out");
    assertEquals(SORT.keySet(), fromJar.classNames());

    Path classes = dir.resolve("classes");
    for (Map.Entry<String, byte[]> c : SORT.entrySet()) {
      Path f = classes.resolve(c.getKey().replace('.', '/') + ".class");
      Files.createDirectories(f.getParent());
      Files.write(f, c.getValue());
    }
    assertEquals(fromMap.digest(), CodeUnit.fromClassFiles("sort", ShippedCode.SORT_ENTRY, classes).digest());
  }

  @Test
  void oneChangedByteOrAnotherNameOrEntryChangesTheDigest() {
    CodeUnit unit = CodeUnit.of("sort", ShippedCode.SORT_ENTRY, SORT);
    Map<String, byte[]> changed = new HashMap<>(SORT);
    byte[] b = changed.get("shipped.sort.Order").clone();
    b[b.length - 1] ^= 1;
    changed.put("shipped.sort.Order", b);
    assertNotEquals(unit.digest(), CodeUnit.of("sort", ShippedCode.SORT_ENTRY, changed).digest());
    assertNotEquals(unit.digest(), CodeUnit.of("sort2", ShippedCode.SORT_ENTRY, SORT).digest());
    assertNotEquals(unit.digest(), CodeUnit.of("sort", "shipped.sort.Order", SORT).digest());
  }

  @Test
  void decodeGivesBackTheUnitThatWasEncoded() {
    CodeUnit unit = CodeUnit.of("sort", ShippedCode.SORT_ENTRY, SORT);
    CodeUnit back = CodeUnit.decode(unit.encode());
    assertEquals(unit, back);
    assertEquals(unit.digest(), back.digest());
    assertEquals(unit.entry(), back.entry());
    for (String c : SORT.keySet()) assertArrayEquals(SORT.get(c), back.classBytes(c));
  }

  @Test
  void malformedBytesAreAClearErrorNotACrash() {
    byte[] good = CodeUnit.of("sort", ShippedCode.SORT_ENTRY, SORT).encode();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeUnit.decode(Arrays.copyOf(good, good.length - 10)))
        .getMessage().contains("claims"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeUnit.decode(Arrays.copyOf(good, good.length + 3)))
        .getMessage().contains("after the last class"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeUnit.decode("hello, world".getBytes()))
        .getMessage().contains("magic"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeUnit.decode(new byte[3])).getMessage().contains("truncated"));
  }

  @Test
  void theUnitKeepsItsOwnCopyOfTheBytes() {
    Map<String, byte[]> mine = new HashMap<>();
    SORT.forEach((k, v) -> mine.put(k, v.clone()));
    CodeUnit unit = CodeUnit.of("sort", ShippedCode.SORT_ENTRY, mine);
    CodeDigest before = unit.digest();
    mine.get(ShippedCode.SORT_ENTRY)[10] ^= 1;
    unit.classBytes(ShippedCode.SORT_ENTRY)[10] ^= 1;
    unit.encode()[20] ^= 1;
    assertEquals(before, CodeDigest.of(unit.encode()));
    assertArrayEquals(SORT.get(ShippedCode.SORT_ENTRY), unit.classBytes(ShippedCode.SORT_ENTRY));
    assertThrows(UnsupportedOperationException.class, () -> unit.classNames().clear());
  }

  @Test
  void badNamesAreRefusedWithTheReason() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeUnit.of("no/slash", ShippedCode.SORT_ENTRY, SORT))
        .getMessage().contains("name"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeUnit.of("sort", "not a class", SORT))
        .getMessage().contains("entry"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CodeUnit.of("sort", ShippedCode.SORT_ENTRY, Map.of()))
        .getMessage().contains("no classes"));
    assertThrows(IllegalArgumentException.class, () -> new CodeDigest("ABC"));
  }

  @Test
  void aJarWithoutClassesIsNoUnit() {
    assertThrows(IllegalArgumentException.class,
        () -> CodeUnit.fromJar("empty", "a.B", new ByteArrayInputStream(ShippedCode.jar(Map.of()))));
  }
}
