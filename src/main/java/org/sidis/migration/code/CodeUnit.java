package org.sidis.migration.code;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A unit of code for weak mobility (the notes, "Migracao de codigo": move the code, not the
 * running process): a name, a set of compiled classes — bytecode, never source, so the receiver
 * needs no compiler — and the entry class, which implements {@link MobileJob}. Bytecode is what
 * makes shipping possible between machines of different OS and CPU: the JVM is the notes'
 * "maquina abstrata" of heterogeneous systems ("Migracao em sistemas heterogeneos").
 *
 * <p>The unit has one canonical encoding ({@link #encode()}: name, entry, then the classes
 * sorted by name), and its {@link #digest()} is the SHA-256 of that encoding, so the same
 * classes always give the same digest whatever jar or directory they came from. Immutable: the
 * class bytes are copied in and out.
 */
public final class CodeUnit {

  /** A unit name is also part of an actor's name at the host. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern CLASS_NAME = Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");
  /** Marks the encoding, so bytes of something else are refused as malformed, not misread. */
  private static final int MAGIC = 0x5349_4443; // "SIDC"
  private static final int VERSION = 1;

  private final String name;
  private final String entry;
  private final Map<String, byte[]> classes;
  private final byte[] encoded;
  private final CodeDigest digest;

  private CodeUnit(String name, String entry, Map<String, byte[]> classes) {
    if (name == null || !NAME.matcher(name).matches())
      throw new IllegalArgumentException("a code unit's name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit: " + name);
    if (entry == null || !CLASS_NAME.matcher(entry).matches())
      throw new IllegalArgumentException("code unit " + name + ": the entry class is a binary class name like a.b.C, not " + entry);
    if (classes.isEmpty()) throw new IllegalArgumentException("code unit " + name + " has no classes");
    TreeMap<String, byte[]> copy = new TreeMap<>();
    classes.forEach((className, bytes) -> {
      if (className == null || !CLASS_NAME.matcher(className).matches())
        throw new IllegalArgumentException("code unit " + name + ": not a binary class name: " + className);
      copy.put(className, bytes.clone());
    });
    this.name = name;
    this.entry = entry;
    this.classes = Collections.unmodifiableMap(copy);
    this.encoded = encode(name, entry, this.classes);
    this.digest = CodeDigest.of(encoded);
  }

  /** A unit of {@code classes} (binary class name to class-file bytes). */
  public static CodeUnit of(String name, String entry, Map<String, byte[]> classes) {
    return new CodeUnit(name, entry, classes);
  }

  /** The {@code .class} entries of a jar file (its other entries are not code and stay behind). */
  public static CodeUnit fromJar(String name, String entry, Path jar) throws IOException {
    try (InputStream in = Files.newInputStream(jar)) {
      return fromJar(name, entry, in);
    }
  }

  /** The {@code .class} entries of a jar read from {@code in}. */
  public static CodeUnit fromJar(String name, String entry, InputStream in) throws IOException {
    Map<String, byte[]> classes = new TreeMap<>();
    try (JarInputStream jar = new JarInputStream(in)) {
      for (JarEntry e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
        if (!e.isDirectory() && isClassFile(e.getName())) classes.put(className(e.getName()), jar.readAllBytes());
      }
    }
    return new CodeUnit(name, entry, classes);
  }

  /** Every {@code .class} file under the directory {@code root} (a compiler's output directory). */
  public static CodeUnit fromClassFiles(String name, String entry, Path root) throws IOException {
    Map<String, byte[]> classes = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String relative = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
        if (isClassFile(relative)) classes.put(className(relative), Files.readAllBytes(f));
      }
    }
    return new CodeUnit(name, entry, classes);
  }

  private static boolean isClassFile(String path) {
    return path.endsWith(".class") && !path.endsWith("module-info.class") && !path.startsWith("META-INF/");
  }

  private static String className(String path) {
    return path.substring(0, path.length() - ".class".length()).replace('/', '.');
  }

  public String name() {
    return name;
  }

  /** The binary name of the class that implements {@link MobileJob}. */
  public String entry() {
    return entry;
  }

  public Set<String> classNames() {
    return classes.keySet();
  }

  /** A copy of one class's bytes, or null when the unit has no such class. */
  public byte[] classBytes(String className) {
    byte[] b = classes.get(className);
    return b == null ? null : b.clone();
  }

  public CodeDigest digest() {
    return digest;
  }

  /** The canonical encoding (a copy): what travels, and what the digest is taken over. */
  public byte[] encode() {
    return encoded.clone();
  }

  public int size() {
    return encoded.length;
  }

  /**
   * The unit that {@link #encode()} wrote; an {@link IllegalArgumentException} saying what is
   * wrong for bytes that are not one (truncated, trailing bytes, a bad name).
   */
  public static CodeUnit decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) throw new IllegalArgumentException("not an encoded code unit (bad magic number)");
      int version = in.readInt();
      if (version != VERSION) throw new IllegalArgumentException("code unit encoding version " + version + ", expected " + VERSION);
      String name = in.readUTF();
      String entry = in.readUTF();
      int count = in.readInt();
      if (count < 1 || count > bytes.length) throw new IllegalArgumentException("code unit " + name + ": bad class count " + count);
      Map<String, byte[]> classes = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        String className = in.readUTF();
        int length = in.readInt();
        if (length < 0 || length > in.available())
          throw new IllegalArgumentException("code unit " + name + ": class " + className + " claims " + length + " bytes, " + in.available() + " left");
        byte[] b = new byte[length];
        in.readFully(b);
        if (classes.put(className, b) != null) throw new IllegalArgumentException("code unit " + name + ": class " + className + " twice");
      }
      if (in.available() > 0) throw new IllegalArgumentException("code unit " + name + ": " + in.available() + " bytes after the last class");
      return new CodeUnit(name, entry, classes);
    } catch (EOFException e) {
      throw new IllegalArgumentException("truncated code unit (" + bytes.length + " bytes)", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] encode(String name, String entry, Map<String, byte[]> sorted) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(name);
      out.writeUTF(entry);
      out.writeInt(sorted.size());
      for (Map.Entry<String, byte[]> c : sorted.entrySet()) {
        out.writeUTF(c.getKey());
        out.writeInt(c.getValue().length);
        out.write(c.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory", e);
    }
    return buf.toByteArray();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CodeUnit u && Arrays.equals(encoded, u.encoded);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "code unit " + name + " (" + entry + ", " + classes.size() + " classes, " + encoded.length + " bytes, sha256 " + digest.shortHex() + ")";
  }
}
