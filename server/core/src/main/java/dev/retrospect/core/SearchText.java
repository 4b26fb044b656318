package dev.retrospect.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What free-text span search means, in one place for every store.
 *
 * <p>Words are maximal runs of letters, digits and private-use characters (Unicode categories L*,
 * N* and Co, the same as SQLite FTS5's {@code unicode61} tokenizer); everything else separates
 * words, so {@code dale@gmail.com} is the words {@code dale}, {@code gmail}, {@code com}. Matching
 * is case-insensitive and keeps diacritics ({@code é} is not {@code e}). A query matches a span
 * when every query word is a whole word of the span's searchable text or the start of one (words
 * are ANDed; their order and adjacency do not matter). A query with no word matches no span.
 */
public final class SearchText {
  private SearchText() {}

  /** The words of a text, lower-cased, in order, repeats kept. */
  public static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    if (text == null) return words;
    int start = -1;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (isWordCharacter(cp)) {
        if (start < 0) start = i;
      } else if (start >= 0) {
        words.add(text.substring(start, i).toLowerCase(Locale.ROOT));
        start = -1;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) words.add(text.substring(start).toLowerCase(Locale.ROOT));
    return words;
  }

  /**
   * The text that span search looks in: name, service, status message, the values of the span's
   * attributes (every type but bytes; not the keys, not resource attributes) and the names and
   * attribute values of its events (exception messages). Parts are separated by newlines.
   */
  public static String of(Span span) {
    StringBuilder b = new StringBuilder(256);
    b.append(span.name()).append('\n').append(span.service()).append('\n');
    if (!span.statusMessage().isEmpty()) b.append(span.statusMessage()).append('\n');
    appendValues(b, span.attributes());
    for (SpanEvent e : span.events()) {
      b.append(e.name()).append('\n');
      appendValues(b, e.attributes());
    }
    return b.toString();
  }

  /** True when every query word is a word of the span's searchable text or a prefix of one. */
  public static boolean matches(List<String> queryWords, Span span) {
    if (queryWords.isEmpty()) return false;
    List<String> spanWords = words(of(span));
    for (String q : queryWords) {
      if (spanWords.stream().noneMatch(w -> w.startsWith(q))) return false;
    }
    return true;
  }

  private static void appendValues(StringBuilder b, Map<String, AttributeValue> attributes) {
    for (AttributeValue v : attributes.values()) {
      if (v.type() != ValueType.BYTES) b.append(v.value()).append('\n');
    }
  }

  private static boolean isWordCharacter(int codePoint) {
    switch (Character.getType(codePoint)) {
      case Character.UPPERCASE_LETTER:
      case Character.LOWERCASE_LETTER:
      case Character.TITLECASE_LETTER:
      case Character.MODIFIER_LETTER:
      case Character.OTHER_LETTER:
      case Character.DECIMAL_DIGIT_NUMBER:
      case Character.LETTER_NUMBER:
      case Character.OTHER_NUMBER:
      case Character.PRIVATE_USE:
        return true;
      default:
        return false;
    }
  }
}
