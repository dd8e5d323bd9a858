package org.sidis.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link BenchSummary} and {@link BenchPlot} on hand-written benchmark JSON, as {@code bench all} reads it back. */
class BenchSummaryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode doc(String rows) throws Exception {
    return JSON.readTree("{\"bench\":\"rpc\",\"params\":{},\"rows\":[" + rows.replace('\'', '"') + "]}");
  }

  private static final String ROUNDS = String.join(",",
      "{'system':'grpc','baseline':true,'metric':'p50_us','value':100,'unit':'us','round':1}",
      "{'system':'sidis','baseline':false,'metric':'p50_us','value':150,'unit':'us','round':1}",
      "{'system':'grpc','baseline':true,'metric':'p50_us','value':120,'unit':'us','round':2}",
      "{'system':'sidis','baseline':false,'metric':'p50_us','value':900,'unit':'us','round':2}",
      "{'system':'grpc','baseline':true,'metric':'p50_us','value':110,'unit':'us','round':3}",
      "{'system':'sidis','baseline':false,'metric':'p50_us','value':160,'unit':'us','round':3}",
      "{'system':'grpc','baseline':true,'metric':'p50_us','value':110,'unit':'us','round':'median'}",
      "{'system':'sidis','baseline':false,'metric':'p50_us','value':160,'unit':'us','round':'median'}");

  @Test
  void theMedianRowIsTheFigureAndTheRoundsGiveItsSpreadSoOneSlowRoundShowsOnlyThere() throws Exception {
    BenchSummary s = BenchSummary.of(Map.of("rpc", doc(ROUNDS)));
    BenchSummary.Line sidis = s.lines("rpc", "p50_us").get(1);
    assertEquals("sidis", sidis.system());
    assertEquals(160, sidis.median());
    assertEquals(150, sidis.min());
    assertEquals(900, sidis.max());
    assertEquals(3, sidis.rounds());
    String md = s.markdown();
    assertTrue(md.contains("| sidis | 160 | 3 | 150 | 900 | 469 % | 1.45× grpc |"), md);
    assertTrue(md.contains("| grpc | 110 | 3 | 100 | 120 | 18 % | baseline |"), md);
  }

  @Test
  void withoutAMedianRowTheMedianIsComputedFromTheRounds() throws Exception {
    String roundsOnly = ROUNDS.substring(0, ROUNDS.indexOf(",{'system':'grpc','baseline':true,'metric':'p50_us','value':110,'unit':'us','round':'median'}"));
    BenchSummary s = BenchSummary.of(Map.of("rpc", doc(roundsOnly)));
    assertEquals(160, s.lines("rpc", "p50_us").get(1).median());
    assertEquals(110, s.lines("rpc", "p50_us").get(0).median());
  }

  @Test
  void aRowsOtherFieldsAreADimensionThatNamesItsLineAndMakesACurve(@TempDir Path dir) throws Exception {
    JsonNode d = doc(String.join(",",
        "{'system':'sidis','baseline':false,'metric':'calls_per_s','value':1000,'unit':'1/s','workers':1}",
        "{'system':'sidis','baseline':false,'metric':'calls_per_s','value':3500,'unit':'1/s','workers':4}",
        "{'system':'ask','baseline':true,'metric':'calls_per_s','value':1200,'unit':'1/s','workers':1}",
        "{'system':'ask','baseline':true,'metric':'calls_per_s','value':4000,'unit':'1/s','workers':4}"));
    BenchSummary s = BenchSummary.of(Map.of("rpc", d));
    assertEquals(4, s.lines().size());
    assertEquals("sidis (workers=4)", s.lines().get(1).label());
    assertEquals("workers", s.curveAxis("rpc", "calls_per_s").orElseThrow());
    // Each line is compared with the baseline of its own dimension.
    assertTrue(s.markdown().contains("| sidis (workers=4) | 3,500 | 1 | 3,500 | 3,500 | 0 % | 0.88× ask (workers=4) |"), s.markdown());
    List<Path> plots = BenchPlot.write(s, dir);
    assertEquals(List.of(dir.resolve("rpc-calls_per_s.png")), plots);
    BufferedImage png = ImageIO.read(plots.get(0).toFile());
    assertNotNull(png, "a PNG that ImageIO reads");
    assertTrue(png.getWidth() > 100 && png.getHeight() > 100, png.getWidth() + "x" + png.getHeight());
  }

  /** Rows of a bench that sweeps two dimensions, state size first, as {@code bench migration --write-rate 0,4MiB} writes them. */
  private static JsonNode sweep(String first, String second) throws Exception {
    List<String> rows = new java.util.ArrayList<>();
    for (String system : List.of("pre-copy", "stop-and-copy")) {
      for (int mib : List.of(1, 4, 16)) {
        for (double rate : List.of(0.0, 4.0)) {
          double ms = (system.equals("pre-copy") ? 5 : 20 * mib) + rate;
          String a = first.equals("state_mib") ? "'state_mib':" + mib : "'write_mib_per_s':" + rate;
          String b = second.equals("state_mib") ? "'state_mib':" + mib : "'write_mib_per_s':" + rate;
          rows.add("{'system':'" + system + "','baseline':false,'metric':'downtime_ms','value':" + ms + ",'unit':'ms'," + a + "," + b + "}");
        }
      }
    }
    return JSON.readTree("{\"bench\":\"migration\",\"params\":{},\"rows\":[" + String.join(",", rows).replace('\'', '"') + "]}");
  }

  @Test
  void rowsThatVaryAlongTwoFieldsDrawOneCurvePerValueOfTheSecondOverTheFirst(@TempDir Path dir) throws Exception {
    BenchSummary s = BenchSummary.of(Map.of("migration", sweep("state_mib", "write_mib_per_s")));
    assertEquals("state_mib", s.curveAxis("migration", "downtime_ms").orElseThrow(), "the first field that varies is the x axis");
    Map<String, Map<Double, Double>> curves = BenchPlot.curves("state_mib", s.lines("migration", "downtime_ms"));
    assertEquals(List.of("pre-copy (write_mib_per_s=0.0)", "pre-copy (write_mib_per_s=4.0)",
        "stop-and-copy (write_mib_per_s=0.0)", "stop-and-copy (write_mib_per_s=4.0)"), List.copyOf(curves.keySet()), curves.toString());
    assertEquals(Map.of(1.0, 24.0, 4.0, 84.0, 16.0, 324.0), curves.get("stop-and-copy (write_mib_per_s=4.0)"), curves.toString());
    // Negative control: the same figures with the rate first are drawn over the rate, one curve per size.
    BenchSummary swapped = BenchSummary.of(Map.of("migration", sweep("write_mib_per_s", "state_mib")));
    assertEquals("write_mib_per_s", swapped.curveAxis("migration", "downtime_ms").orElseThrow());
    assertTrue(BenchPlot.curves("write_mib_per_s", swapped.lines("migration", "downtime_ms")).containsKey("pre-copy (state_mib=16)"));
    List<Path> plots = BenchPlot.write(s, dir);
    assertEquals(List.of(dir.resolve("migration-downtime_ms.png")), plots);
    assertNotNull(ImageIO.read(plots.get(0).toFile()), "a PNG that ImageIO reads");
  }

  @Test
  void aCurveIsDrawnOnALogScaleOnlyWhenItsPositiveMediansSpanMoreThanAHundredfold() {
    assertTrue(BenchPlot.wide(List.of(5.0, 40.0, 7600.0)));
    assertTrue(!BenchPlot.wide(List.of(5.0, 40.0, 499.0)), "a fiftyfold span stays linear");
    assertTrue(!BenchPlot.wide(List.of(0.0, 40.0, 7600.0)), "a zero has no place on a log axis");
    assertTrue(!BenchPlot.wide(List.of()));
  }

  @Test
  void barsForAMetricWithoutANumericDimensionAndNoPlotForALoneSystem(@TempDir Path dir) throws Exception {
    BenchSummary s = BenchSummary.of(Map.of("rpc", doc(ROUNDS + ",{'system':'sidis','baseline':false,'metric':'alone','value':1,'unit':'x'}")));
    assertTrue(s.curveAxis("rpc", "p50_us").isEmpty());
    List<Path> plots = BenchPlot.write(s, dir);
    assertEquals(List.of(dir.resolve("rpc-p50_us.png")), plots, "one plot: the lone system's metric is not drawn");
    assertNotNull(ImageIO.read(plots.get(0).toFile()));
  }

  @Test
  void aFileThatBreaksTheContractIsRefusedNamingTheWorkloadAndTheRow() throws Exception {
    IllegalArgumentException noBench = assertThrows(IllegalArgumentException.class,
        () -> BenchSummary.of(Map.of("queue", JSON.readTree("{\"rows\":[]}"))));
    assertTrue(noBench.getMessage().startsWith("queue: no \"bench\""), noBench.getMessage());
    IllegalArgumentException noRows = assertThrows(IllegalArgumentException.class,
        () -> BenchSummary.of(Map.of("queue", JSON.readTree("{\"bench\":\"queue\",\"rows\":[]}"))));
    assertTrue(noRows.getMessage().contains("has no rows"), noRows.getMessage());
    IllegalArgumentException textValue = assertThrows(IllegalArgumentException.class,
        () -> BenchSummary.of(Map.of("queue", doc("{'system':'a','metric':'m','unit':'u','value':'fast'}"))));
    assertTrue(textValue.getMessage().contains("row 1 has no numeric \"value\""), textValue.getMessage());
  }
}
