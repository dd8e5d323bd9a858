package org.sidis.check;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Chromium without a screen, driven through its command line: {@code --dump-dom} prints the page as
 * its scripts left it when the load event has fired, {@code --screenshot} saves what a window of a
 * given size shows. No protocol client and no new dependency: the report page renders its first
 * frame synchronously and writes what it drew into attributes, so the DOM dump is enough to test it.
 *
 * <p>The binary is {@code $SIDIS_CHROMIUM}, or the first of {@code chromium}, {@code chromium-browser},
 * {@code google-chrome} on the PATH; every run gets a fresh profile directory, removed afterwards.
 */
final class HeadlessChromium {

    private static final long TIMEOUT_SECONDS = 90;

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** The browser, if one is installed. */
    static Optional<HeadlessChromium> find() {
        String configured = System.getenv("SIDIS_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(new HeadlessChromium(path)) : Optional.empty();
        }
        String pathVariable = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : pathVariable.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(new HeadlessChromium(candidate));
                }
            }
        }
        return Optional.empty();
    }

    /** The page's DOM after its scripts ran (and the load event fired). */
    String dumpDom(Path page, String fragment) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", url(page, fragment)), "dump-dom");
    }

    /** Saves a PNG of a window {@code width} × {@code height} showing the page. */
    void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        run(List.of("--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(), url(page, "")), "screenshot");
    }

    private static String url(Path page, String fragment) {
        return page.toAbsolutePath().toUri() + (fragment.isEmpty() ? "" : "#" + fragment);
    }

    private String run(List<String> args, String what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("sidis-chromium-");
        Path stdout = Files.createTempFile("sidis-chromium-", ".out");
        Path stderr = Files.createTempFile("sidis-chromium-", ".err");
        try {
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile));
            command.addAll(args);
            Process chromium = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!chromium.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                chromium.descendants().forEach(ProcessHandle::destroyForcibly);
                chromium.destroyForcibly();
                throw new IOException("chromium " + what + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (chromium.exitValue() != 0) {
                throw new IOException("chromium " + what + " exited with " + chromium.exitValue() + ":\n"
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            try (Stream<Path> walk = Files.walk(profile)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
