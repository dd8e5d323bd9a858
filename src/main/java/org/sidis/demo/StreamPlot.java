package org.sidis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The plot of a stream run, from its traces alone: for each frame, how long after its nominal
 * time (its pts on the stream's clock, placed on the wall clock by the earliest send) it was sent,
 * arrived and was played, against that nominal schedule; missed frames on the axis. Isochronous
 * playout shows as a flat line above the scattered arrivals. Written as SVG with the JDK's
 * {@link XMLStreamWriter}: no SVG library is on Maven Central's list the machine serves here
 * (JFreeChart renders PNG through AWT fonts, absent from a headless JDK), and an XML writer escapes
 * what it writes, which string concatenation would not.
 */
final class StreamPlot {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int W = 900, H = 420, LEFT = 70, RIGHT = 150, TOP = 30, BOTTOM = 50;

  /** One frame event: its pts and how far after nominal it happened, both ms. */
  record Point(String event, String flow, double ptsMs, double afterMs) {}

  private StreamPlot() {}

  /** The points of stream {@code group} in the run's trace files. */
  static List<Point> points(Path traceDir, String group) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(traceDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList())
        for (String l : Files.readAllLines(f)) {
          if (l.isBlank()) continue;
          JsonNode n = JSON.readTree(l);
          if ("stream".equals(n.path("proto").asText()) && group.equals(n.path("group").asText()) && n.has("pts_us")) lines.add(n);
        }
    }
    long origin = lines.stream().filter(n -> n.path("event").asText().equals("send"))
        .mapToLong(n -> n.path("ts").asLong() - n.path("pts_us").asLong()).min().orElse(0);
    List<Point> out = new ArrayList<>();
    for (JsonNode n : lines) {
      long pts = n.path("pts_us").asLong();
      String ev = n.path("event").asText();
      double after = ev.equals("miss") ? 0 : (n.path("ts").asLong() - origin - pts) / 1000.0;
      out.add(new Point(ev, n.path("flow").asText(), pts / 1000.0, after));
    }
    return out;
  }

  static void write(Path svg, List<Point> points, String title) throws IOException {
    double maxX = Math.max(1, points.stream().mapToDouble(Point::ptsMs).max().orElse(1));
    double maxY = Math.max(50, points.stream().mapToDouble(Point::afterMs).max().orElse(50) * 1.05);
    double minY = Math.min(0, points.stream().mapToDouble(Point::afterMs).min().orElse(0));
    try (Writer w = Files.newBufferedWriter(svg)) {
      XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(w);
      x.writeStartDocument("UTF-8", "1.0");
      x.writeStartElement("svg");
      x.writeDefaultNamespace("http://www.w3.org/2000/svg");
      attr(x, "width", W, "height", H, "viewBox", "0 0 " + W + " " + H, "font-family", "sans-serif", "font-size", 11);
      rect(x, 0, 0, W, H, "white");
      text(x, LEFT, 18, title, "start", 13);
      int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
      line(x, LEFT, TOP + ph, LEFT + pw, TOP + ph, "black");
      line(x, LEFT, TOP, LEFT, TOP + ph, "black");
      for (int i = 0; i <= 5; i++) {
        double vx = maxX * i / 5, vy = minY + (maxY - minY) * i / 5;
        text(x, LEFT + pw * i / 5.0, TOP + ph + 15, String.format(Locale.ROOT, "%.1f", vx / 1000), "middle", 11);
        double y = TOP + ph - ph * i / 5.0;
        text(x, LEFT - 6, y + 4, String.format(Locale.ROOT, "%.0f", vy), "end", 11);
        line(x, LEFT, y, LEFT + pw, y, "#eeeeee");
      }
      text(x, LEFT + pw / 2.0, H - 12, "nominal time of the frame (pts), s", "middle", 12);
      x.writeStartElement("text");
      attr(x, "x", 16, "y", TOP + ph / 2.0, "text-anchor", "middle", "transform", "rotate(-90 16 " + (TOP + ph / 2.0) + ")");
      x.writeCharacters("after its nominal time, ms");
      x.writeEndElement();
      String[][] series = {{"send", "#999999", "sent"}, {"receive", "#1f77b4", "arrived"}, {"play", "#2ca02c", "played"}, {"miss", "#d62728", "missed"}};
      int legend = 0;
      for (String[] s : series) {
        x.writeStartElement("g");
        attr(x, "fill", s[1]);
        for (Point p : points) {
          if (!p.event().equals(s[0])) continue;
          double cx = LEFT + pw * p.ptsMs() / maxX, cy = TOP + ph - ph * (p.afterMs() - minY) / (maxY - minY);
          x.writeEmptyElement("circle");
          attr(x, "cx", round(cx), "cy", round(cy), "r", s[0].equals("miss") ? 3 : 1.4);
        }
        x.writeEndElement();
        double ly = TOP + 10 + 16 * legend++;
        x.writeEmptyElement("circle");
        attr(x, "cx", W - RIGHT + 15, "cy", ly - 4, "r", 4, "fill", s[1]);
        text(x, W - RIGHT + 25, ly, s[2], "start", 11);
      }
      x.writeEndElement();
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException e) {
      throw new IOException("cannot write the plot " + svg + ": " + e.getMessage(), e);
    }
  }

  private static String round(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static void attr(XMLStreamWriter x, Object... kv) throws XMLStreamException {
    for (int i = 0; i < kv.length; i += 2) x.writeAttribute(String.valueOf(kv[i]), String.valueOf(kv[i + 1]));
  }

  private static void rect(XMLStreamWriter x, double px, double py, double w, double h, String fill) throws XMLStreamException {
    x.writeEmptyElement("rect");
    attr(x, "x", px, "y", py, "width", w, "height", h, "fill", fill);
  }

  private static void line(XMLStreamWriter x, double x1, double y1, double x2, double y2, String stroke) throws XMLStreamException {
    x.writeEmptyElement("line");
    attr(x, "x1", round(x1), "y1", round(y1), "x2", round(x2), "y2", round(y2), "stroke", stroke);
  }

  private static void text(XMLStreamWriter x, double px, double py, String s, String anchor, int size) throws XMLStreamException {
    x.writeStartElement("text");
    attr(x, "x", round(px), "y", round(py), "text-anchor", anchor, "font-size", size);
    x.writeCharacters(s);
    x.writeEndElement();
  }
}
