package org.sidis.tiers;

import com.typesafe.config.Config;

import java.time.Duration;

/** {@code sidis.tiers}: see conf/reference.conf. Read once; a setting that makes no sense names itself. */
public record TiersSettings(ReplyMode replyMode, Policy policy, LoadMarks marks, Duration requestTimeout, int documents,
                            int documentSize, Duration readCost, int cacheSize, Duration reportInterval, String frontHost,
                            int frontPort, String serverHost, int serverPort, long maxBody, Duration retryAfter) {

  public TiersSettings {
    if (documents < 1) throw new IllegalArgumentException("sidis.tiers.documents = " + documents + ": need at least 1");
    if (documentSize < 16 || documentSize > 128 * 1024) {
      throw new IllegalArgumentException("sidis.tiers.document-size = " + documentSize
          + " bytes: need 16 B .. 128 KiB (a document crosses Artery in one frame)");
    }
    if (cacheSize < 1) throw new IllegalArgumentException("sidis.tiers.cache-size = " + cacheSize + ": need at least 1");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("sidis.tiers.request-timeout = " + requestTimeout + ": need a positive duration");
    }
    if (reportInterval.isNegative() || reportInterval.isZero()) {
      throw new IllegalArgumentException("sidis.tiers.report-interval = " + reportInterval + ": need a positive duration");
    }
    if (readCost.isNegative()) throw new IllegalArgumentException("sidis.tiers.read-cost = " + readCost + ": need >= 0");
    if (frontPort < 0 || frontPort > 65535) throw new IllegalArgumentException("sidis.tiers.front-port = " + frontPort);
    if (serverPort < 0 || serverPort > 65535) throw new IllegalArgumentException("sidis.tiers.server-port = " + serverPort);
    if (maxBody < 0) throw new IllegalArgumentException("sidis.tiers.max-body = " + maxBody + ": need >= 0");
  }

  public static TiersSettings fromConfig(Config tiers) {
    LoadMarks marks;
    try {
      marks = new LoadMarks(tiers.getInt("low-mark"), tiers.getInt("high-mark"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sidis.tiers.low-mark / high-mark: " + e.getMessage(), e);
    }
    return new TiersSettings(
        parse("reply-mode", () -> ReplyMode.parse(tiers.getString("reply-mode"))),
        parse("policy", () -> Policy.parse(tiers.getString("policy"))),
        marks, tiers.getDuration("request-timeout"), tiers.getInt("documents"),
        (int) Math.min(Integer.MAX_VALUE, tiers.getBytes("document-size")), tiers.getDuration("read-cost"),
        tiers.getInt("cache-size"), tiers.getDuration("report-interval"), tiers.getString("front-host"),
        tiers.getInt("front-port"), tiers.getString("server-host"), tiers.getInt("server-port"),
        tiers.getBytes("max-body"), tiers.getDuration("retry-after"));
  }

  private static <T> T parse(String key, java.util.function.Supplier<T> p) {
    try {
      return p.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sidis.tiers." + key + ": " + e.getMessage(), e);
    }
  }

  public TiersSettings withReplyMode(ReplyMode m) {
    return new TiersSettings(m, policy, marks, requestTimeout, documents, documentSize, readCost, cacheSize, reportInterval,
        frontHost, frontPort, serverHost, serverPort, maxBody, retryAfter);
  }

  public TiersSettings withPolicy(Policy p) {
    return new TiersSettings(replyMode, p, marks, requestTimeout, documents, documentSize, readCost, cacheSize, reportInterval,
        frontHost, frontPort, serverHost, serverPort, maxBody, retryAfter);
  }
}
