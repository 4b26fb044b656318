package dev.retrospect.store.embedded;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns query words into an FTS5 MATCH expression with the meaning of {@link
 * dev.retrospect.core.SearchText}: every word matches a whole term or a prefix of one, all ANDed.
 *
 * <p>A prefix query ({@code "gmail"*}) makes FTS5 merge the document lists of every matching
 * term before the AND can skip anything, which costs time proportional to how common the word is
 * (60 ms for a word in 200,000 spans here). So each word is first expanded through the index's
 * vocabulary into the terms that start with it, and written as an OR of those exact terms, which
 * FTS5 evaluates lazily, skipping along the rarest word's list. A word with more than {@link
 * #MAX_TERMS} terms stays a prefix query; a word with none means nothing can match.
 */
final class TextMatch {
  static final int MAX_TERMS = 32;
  private static final String AFTER_EVERY_TERM = new String(Character.toChars(Character.MAX_CODE_POINT));

  private TextMatch() {}

  /**
   * The MATCH expression, or null when some word starts no term at all (no span can match).
   * Words hold only letters and digits, so quoting them leaves no FTS5 syntax to inject.
   *
   * @param vocabulary the fts5vocab table of the text index
   */
  static String expression(ReadConnections.Reader reader, String vocabulary, List<String> words)
      throws SQLException {
    PreparedStatement terms =
        reader.prepare(
            "SELECT term FROM " + vocabulary + " WHERE term >= ? AND term < ? LIMIT " + (MAX_TERMS + 1));
    List<String> parts = new ArrayList<>(words.size());
    for (String word : words) {
      terms.setString(1, word);
      terms.setString(2, word + AFTER_EVERY_TERM);
      List<String> found = new ArrayList<>();
      try (ResultSet r = terms.executeQuery()) {
        while (r.next()) found.add(r.getString(1));
      }
      if (found.isEmpty()) return null;
      if (found.size() > MAX_TERMS) {
        parts.add(quote(word) + "*");
      } else {
        parts.add("(" + String.join(" OR ", found.stream().map(TextMatch::quote).toList()) + ")");
      }
    }
    return String.join(" AND ", parts);
  }

  private static String quote(String term) {
    return '"' + term.replace("\"", "\"\"") + '"';
  }
}
