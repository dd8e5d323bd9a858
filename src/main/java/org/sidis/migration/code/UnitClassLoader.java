package org.sidis.migration.code;

import java.security.ProtectionDomain;

/**
 * The class loader of one loaded code unit: it defines the unit's classes from their bytes and
 * nothing else. Its parent is the loader that holds {@link MobileJob} (and Akka), so shipped
 * code sees the SPI and the actor library as the host has them, while two units — even two
 * with classes of the same name — never see each other's classes: each unit gets its own
 * loader. Standard parent-first delegation: a shipped class cannot replace one of the host's.
 */
final class UnitClassLoader extends ClassLoader {

  static {
    registerAsParallelCapable();
  }

  private final CodeUnit unit;

  UnitClassLoader(CodeUnit unit, ClassLoader parent) {
    super("code-unit-" + unit.name(), parent);
    this.unit = unit;
  }

  CodeUnit unit() {
    return unit;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    byte[] bytes = unit.classBytes(name);
    if (bytes == null) throw new ClassNotFoundException(name + " (not in " + unit.name() + " nor on the host's class path)");
    return defineClass(name, bytes, 0, bytes.length, (ProtectionDomain) null);
  }
}
