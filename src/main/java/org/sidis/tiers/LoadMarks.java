package org.sidis.tiers;

/**
 * LARD's two load marks (Pai et al., ASPLOS 1998, section 2.2): a server whose load is above
 * {@code high} is overloaded when some other server is below {@code low}; only then is a
 * document it serves replicated to a second server. {@code low} below {@code high} keeps the
 * distributor from moving documents back and forth on small load differences.
 */
public record LoadMarks(int low, int high) {
  public LoadMarks {
    if (low < 0 || high <= low) {
      throw new IllegalArgumentException("load marks low = " + low + ", high = " + high + ": need 0 <= low < high");
    }
  }
}
