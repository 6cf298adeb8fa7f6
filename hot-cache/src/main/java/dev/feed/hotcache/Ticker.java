package dev.feed.hotcache;

/**
 * Time source in <b>milliseconds</b>. Millis rather than nanos because the value is surfaced as
 * {@link AuthorEntry#loadedAtMillis()} on the admin endpoint, where wall-clock time is what an
 * operator can read. The cache tolerates the wall clock stepping backwards (see aging).
 */
@FunctionalInterface
public interface Ticker {
  long read();

  static Ticker system() {
    return System::currentTimeMillis;
  }
}
