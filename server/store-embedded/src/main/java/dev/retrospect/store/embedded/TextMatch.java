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
 * <p>A prefix query ({@code "gmail"*}) makes FTS5 merge the document lists of every matching term
 * before the AND can skip anything, which costs time in proportion to how common the word is (60
 * ms for a word in 200,000 spans here). So each word is written as an OR of exact terms: the word
 * itself and the longer terms that start with it, found in the index's vocabulary. FTS5 evaluates
 * exact terms lazily, skipping along the rarest list, so {@code ivan@gmail.com} costs about what
 * {@code ivan} costs. A word that starts more than {@link #MAX_TERMS} longer terms stays a prefix
 * query.
 */
final class TextMatch {
  static final int MAX_TERMS = 32;
  /**
   * Lower bound of the terms longer than a word: a term's next character is a letter or digit,
   * and none of those sorts below '0'. Starting there rather than at the word itself matters: the
   * vocabulary counts each row's documents, which for a common word means reading its whole list.
   */
  private static final String FIRST_WORD_CHARACTER = "0";
  private static final String AFTER_EVERY_TERM = new String(Character.toChars(Character.MAX_CODE_POINT));

  private TextMatch() {}

  /**
   * The MATCH expression. Words hold only letters and digits, and terms come from the index, so
   * quoting them leaves no FTS5 syntax to inject.
   *
   * @param vocabulary the fts5vocab table of the text index
   */
  static String expression(ReadConnections.Reader reader, String vocabulary, List<String> words)
      throws SQLException {
    PreparedStatement longer =
        reader.prepare(
            "SELECT term FROM " + vocabulary + " WHERE term >= ? AND term < ? LIMIT " + (MAX_TERMS + 1));
    List<String> parts = new ArrayList<>(words.size());
    for (String word : words) {
      longer.setString(1, word + FIRST_WORD_CHARACTER);
      longer.setString(2, word + AFTER_EVERY_TERM);
      List<String> terms = new ArrayList<>(List.of(quote(word)));
      try (ResultSet r = longer.executeQuery()) {
        while (r.next()) terms.add(quote(r.getString(1)));
      }
      if (terms.size() > MAX_TERMS + 1) {
        parts.add(quote(word) + "*");
      } else {
        parts.add("(" + String.join(" OR ", terms) + ")");
      }
    }
    return String.join(" AND ", parts);
  }

  private static String quote(String term) {
    return '"' + term.replace("\"", "\"\"") + '"';
  }
}
