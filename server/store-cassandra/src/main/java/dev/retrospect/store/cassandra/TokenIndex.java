package dev.retrospect.store.cassandra;

import dev.retrospect.core.SearchText;
import dev.retrospect.core.Span;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What goes into the {@code span_tokens} table and how a text query looks it up. Words follow
 * {@link SearchText}. Each distinct word of the spans of one trace that started in one second
 * (a {@link TraceWords}) is one row, a clustering key inside the partition of the word's first three
 * characters (and the day and the trace's shard), so a query word, which matches as a prefix, is a
 * clustering range. Rows written by schema version 2 name one span each; both kinds are read.
 * Words shorter than three characters are not indexed: a query made only of them is answered by
 * scanning the time index and checking each span (see RATIONALE.md).
 */
final class TokenIndex {
  /** The {@code span_id} of a row that stands for every span of its trace in its second. */
  static final String WHOLE_TRACE = "";
  static final int PREFIX_LENGTH = 3;
  /** Longer words are indexed by their start; a longer query word is then looked up as a prefix. */
  static final int MAX_INDEXED_LENGTH = 64;
  /** A span's words beyond this many distinct ones are not indexed: a bound on its write cost. */
  static final int MAX_INDEXED_WORDS = 10_000;

  private TokenIndex() {}

  /** The distinct words of a span's searchable text that go into the index. */
  static Set<String> words(Span span) {
    Set<String> words = new LinkedHashSet<>();
    for (String word : SearchText.words(SearchText.of(span))) {
      if (word.codePointCount(0, word.length()) < PREFIX_LENGTH) continue;
      words.add(truncate(word, MAX_INDEXED_LENGTH));
      if (words.size() == MAX_INDEXED_WORDS) break;
    }
    return words;
  }

  /** The distinct words of spans of one trace that started in one second (from {@code bucketMicros}). */
  record TraceWords(String traceId, long bucketMicros, Set<String> words) {}

  /**
   * The rows a write of these spans adds: one per distinct word of each trace and second, however
   * the trace's spans are split over writes (rows written twice are the same row).
   */
  static Collection<TraceWords> byTraceAndSecond(Collection<Span> spans) {
    Map<String, TraceWords> groups = new LinkedHashMap<>();
    for (Span span : spans) {
      long bucket = Buckets.traceWordBucket(span.startMicros());
      groups.computeIfAbsent(span.traceId() + ":" + bucket,
          k -> new TraceWords(span.traceId(), bucket, new LinkedHashSet<>())).words().addAll(words(span));
    }
    return groups.values();
  }

  /**
   * The query word to look up: the longest one, as it is likely the rarest; the others are checked
   * on the spans found. Null when every word is too short to be indexed.
   */
  static Lookup lookup(List<String> queryWords) {
    String best = null;
    for (String word : queryWords) {
      if (word.codePointCount(0, word.length()) < PREFIX_LENGTH) continue;
      if (best == null || word.length() > best.length()) best = word;
    }
    return best == null ? null : new Lookup(truncate(best, MAX_INDEXED_LENGTH));
  }

  static String partitionPrefix(String word) {
    return truncate(word, PREFIX_LENGTH);
  }

  private static String truncate(String word, int codePoints) {
    if (word.codePointCount(0, word.length()) <= codePoints) return word;
    return word.substring(0, word.offsetByCodePoints(0, codePoints));
  }

  /** Indexed words starting with {@code prefix}: from prefix (inclusive) to {@link #upperBound}. */
  record Lookup(String prefix) {
    String partitionPrefix() {
      return TokenIndex.partitionPrefix(prefix);
    }

    /**
     * The smallest text after every text that starts with the prefix: the prefix with its last
     * code point incremented. Cassandra orders text by UTF-8 bytes, which is code point order.
     */
    String upperBound() {
      int last = prefix.codePointBefore(prefix.length());
      int next = last + 1;
      if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) next = Character.MAX_SURROGATE + 1;
      return prefix.substring(0, prefix.length() - Character.charCount(last)) + new String(Character.toChars(next));
    }
  }
}
