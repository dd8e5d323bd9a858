package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * How long a total-order group took to recover from its sequencer's crash, read from the
 * survivors' traces (wall-clock {@code ts}, fine for display on one machine): detection — the
 * crash until a survivor's view no longer holds the victim; hand-over — until a survivor
 * adopted the new epoch; failover — until the first delivery after that adoption.
 */
public record Failover(long crashMicros, OptionalLong detectedMicros, OptionalLong epochMicros, OptionalLong firstDeliveryMicros) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static Failover of(Path traceDir, String victim, long crashMicros) throws IOException {
    long detected = Long.MAX_VALUE, epoch = Long.MAX_VALUE, delivery = Long.MAX_VALUE;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(traceDir, "*.jsonl")) {
      for (Path f : files) {
        if (f.getFileName().toString().equals(victim + ".jsonl")) continue;
        long adoptedAt = Long.MAX_VALUE;
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          String line;
          while ((line = r.readLine()) != null) {
            JsonNode e;
            try {
              e = JSON.readTree(line);
            } catch (IOException broken) {
              continue; // the checkers report broken lines; timing just skips them
            }
            long ts = e.path("ts").asLong();
            if (ts < crashMicros) continue;
            String event = e.path("event").asText();
            if (event.equals("view") && !e.path("members").toString().contains("\"" + victim + "\"")) detected = Math.min(detected, ts);
            if (event.equals("epoch")) adoptedAt = Math.min(adoptedAt, ts);
            if (event.equals("deliver") && ts >= adoptedAt) delivery = Math.min(delivery, ts);
          }
        }
        epoch = Math.min(epoch, adoptedAt);
      }
    }
    return new Failover(crashMicros, opt(detected), opt(epoch), opt(delivery));
  }

  private static OptionalLong opt(long v) {
    return v == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(v);
  }

  public String describe(String victim) {
    return "failover: " + victim + " (the sequencer) killed with SIGKILL; view without it after " + ms(detectedMicros)
        + ", new epoch after " + ms(epochMicros) + ", first delivery in the new epoch after " + ms(firstDeliveryMicros);
  }

  private String ms(OptionalLong at) {
    return at.isPresent() ? String.format("%.0f ms", (at.getAsLong() - crashMicros) / 1000.0) : "never";
  }
}
