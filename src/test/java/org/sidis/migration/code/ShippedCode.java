package org.sidis.migration.code;

import akka.actor.typed.javadsl.Behaviors;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Real code units for the tests, compiled from source at test time with {@code javax.tools}
 * into bytes held in memory: their classes ({@code shipped.*}) are on no class path of this JVM,
 * so a test that runs one proves the bytes came over the wire and were defined by the unit's own
 * class loader.
 */
final class ShippedCode {

  private ShippedCode() {}

  static final String SORT_ENTRY = "shipped.sort.SortJob";

  /** A sort the client runs next to its data: sorts the lines (by the helper class Order) and answers with its node. */
  static final Map<String, String> SORT = Map.of(
      SORT_ENTRY, """
          package shipped.sort;
          import akka.actor.typed.Behavior;
          import akka.actor.typed.javadsl.Behaviors;
          import org.sidis.migration.code.MobileJob;
          import java.util.ArrayList;
          import java.util.List;
          public final class SortJob implements MobileJob {
            public Behavior<Run> behavior(String node) {
              return Behaviors.receive((ctx, run) -> {
                List<String> lines = new ArrayList<>(run.input());
                lines.sort(new Order());
                lines.add("loader=" + SortJob.class.getClassLoader().getName());
                run.replyTo().tell(new Output(node, lines));
                return Behaviors.same();
              });
            }
          }
          """,
      "shipped.sort.Order", """
          package shipped.sort;
          final class Order implements java.util.Comparator<String> {
            public int compare(String a, String b) { return a.compareTo(b); }
          }
          """);

  /** The same job under another name: a unit whose digest differs. */
  static final Map<String, String> FILTER = Map.of(
      "shipped.filter.FilterJob", """
          package shipped.filter;
          import akka.actor.typed.Behavior;
          import akka.actor.typed.javadsl.Behaviors;
          import org.sidis.migration.code.MobileJob;
          import java.util.List;
          public final class FilterJob implements MobileJob {
            public Behavior<Run> behavior(String node) {
              return Behaviors.receive((ctx, run) -> {
                run.replyTo().tell(new Output(node, run.input().stream().filter(l -> l.contains("keep")).toList()));
                return Behaviors.same();
              });
            }
          }
          """);

  static final Map<String, String> NOT_A_JOB = Map.of(
      "shipped.bad.Plain", """
          package shipped.bad;
          public final class Plain { public Plain() {} }
          """);

  static final Map<String, String> THROWING = Map.of(
      "shipped.bad.Throwing", """
          package shipped.bad;
          import akka.actor.typed.Behavior;
          import org.sidis.migration.code.MobileJob;
          public final class Throwing implements MobileJob {
            public Throwing() { throw new IllegalStateException("boom in the constructor"); }
            public Behavior<Run> behavior(String node) { return null; }
          }
          """);

  /** A job whose class file is larger than Artery's 256 KiB frame: ten string constants of 60,000 characters. */
  static final Map<String, String> BIG = Map.of("shipped.big.BigJob", bigSource());

  private static String bigSource() {
    StringBuilder src = new StringBuilder("""
        package shipped.big;
        import akka.actor.typed.Behavior;
        import akka.actor.typed.javadsl.Behaviors;
        import org.sidis.migration.code.MobileJob;
        import java.util.List;
        public final class BigJob implements MobileJob {
        """);
    for (int i = 0; i < 10; i++) src.append("  static final String C").append(i).append(" = \"").append(Character.toString('a' + i).repeat(60_000)).append("\";\n");
    src.append("""
          public Behavior<Run> behavior(String node) {
            return Behaviors.receive((ctx, run) -> {
              int total = C0.length() + C1.length() + C2.length() + C3.length() + C4.length() + C5.length() + C6.length() + C7.length() + C8.length() + C9.length();
              run.replyTo().tell(new Output(node, List.of("constants=" + total)));
              return Behaviors.same();
            });
          }
        }
        """);
    return src.toString();
  }

  static CodeUnit sortUnit() {
    return CodeUnit.of("sort", SORT_ENTRY, compile(SORT));
  }

  static CodeUnit filterUnit() {
    return CodeUnit.of("filter", "shipped.filter.FilterJob", compile(FILTER));
  }

  private static final Map<Map<String, String>, Map<String, byte[]>> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

  /** Binary class name to class-file bytes (a fresh copy), for the sources given by binary class name; compiled once per JVM. */
  static Map<String, byte[]> compile(Map<String, String> sources) {
    Map<String, byte[]> copy = new TreeMap<>();
    COMPILED.computeIfAbsent(sources, ShippedCode::javac).forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  private static Map<String, byte[]> javac(Map<String, String> sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, ByteArrayOutputStream> out = new TreeMap<>();
    StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
    ForwardingJavaFileManager<StandardJavaFileManager> inMemory = new ForwardingJavaFileManager<>(standard) {
      @Override
      public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
          @Override
          public OutputStream openOutputStream() {
            return out.computeIfAbsent(className, c -> new ByteArrayOutputStream());
          }
        };
      }
    };
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((name, text) -> units.add(new SimpleJavaFileObject(URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return text;
      }
    }));
    List<String> options = List.of("--release", "17", "-classpath", classPath(), "-proc:none");
    boolean ok = javac.getTask(null, inMemory, diagnostics, options, null, units).call();
    if (!ok) {
      StringBuilder why = new StringBuilder("compiling the shipped test code failed:");
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) why.append('\n').append(d);
      throw new AssertionError(why);
    }
    Map<String, byte[]> classes = new TreeMap<>();
    out.forEach((name, bytes) -> classes.put(name, bytes.toByteArray()));
    return classes;
  }

  /** The jar of {@code classes}, as a build would write it. */
  static byte[] jar(Map<String, byte[]> classes) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (JarOutputStream jar = new JarOutputStream(buf)) {
      for (Map.Entry<String, byte[]> c : classes.entrySet()) {
        jar.putNextEntry(new JarEntry(c.getKey().replace('.', '/') + ".class"));
        jar.write(c.getValue());
        jar.closeEntry();
      }
      jar.putNextEntry(new JarEntry("README.txt"));
      jar.write("not code".getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  /**
   * Where the SPI, Akka and Scala live, found from their classes (surefire's java.class.path may
   * be a single manifest jar), plus the JVM's own class path.
   */
  private static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c : List.of(MobileJob.class, akka.actor.typed.Behavior.class, Behaviors.class, akka.actor.ActorRef.class,
        scala.Function1.class, org.sidis.wire.CborSerializable.class)) {
      try {
        entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    entries.add(System.getProperty("java.class.path"));
    return String.join(File.pathSeparator, entries);
  }
}
