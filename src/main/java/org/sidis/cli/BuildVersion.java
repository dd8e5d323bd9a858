package org.sidis.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * {@code sidis --version}: the version the build stamped into {@code version.properties}
 * (Maven resource filtering of {@code src/main/filtered}), so it cannot drift from the pom.
 */
public final class BuildVersion implements IVersionProvider {

  static final String RESOURCE = "version.properties";

  /** The pom's version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the build (pom.xml filters src/main/filtered)");
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      if (v.isEmpty() || v.contains("${")) throw new IllegalStateException(RESOURCE + " was not filtered by the build: [" + v + "]");
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"sidis " + version()};
  }
}
