package org.sidis.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A settings profile named by {@code --config}: a HOCON file, or the name of one of the files
 * under {@code conf/} that travel in the jar ({@code latency.conf}, {@code postgres.conf}).
 * Read once, at the command line; {@link #copyTo} gives a child JVM the same file.
 *
 * @param name   what the command line said
 * @param file   the file on disk, or null for a copy in the jar
 * @param config its settings, unresolved (they lie over other defaults)
 */
record Profile(String name, Path file, Config config) {

  /** Writes the profile's text to {@code to}, for a child JVM's {@code --config}. */
  void copyTo(Path to) throws IOException {
    Files.createDirectories(to.toAbsolutePath().getParent());
    if (file != null) {
      Files.copy(file, to);
      return;
    }
    try (InputStream in = Profile.class.getResourceAsStream("/conf/" + Path.of(name).getFileName())) {
      if (in == null) throw new IOException("conf/" + Path.of(name).getFileName() + " is no longer in the jar");
      Files.copy(in, to);
    }
  }

  /** {@code --config NAME}: the file if it exists, else {@code conf/NAME} in the jar; a usage error when neither is there. */
  static final class Converter implements ITypeConverter<Profile> {
    @Override
    public Profile convert(String text) {
      Path file = Path.of(text);
      try {
        if (Files.isRegularFile(file)) return new Profile(text, file, ConfigFactory.parseFile(file.toFile()));
        Config inJar = ConfigFactory.parseResources("conf/" + file.getFileName());
        if (!inJar.isEmpty()) return new Profile(text, null, inJar);
      } catch (ConfigException e) {
        throw new TypeConversionException("config profile [" + text + "] is not valid HOCON: " + e.getMessage());
      }
      throw new TypeConversionException("config profile [" + text + "] not found (a file, or conf/<name>.conf in the jar)");
    }
  }
}
