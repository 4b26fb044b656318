package dev.retrospect.store.embedded;

import dev.retrospect.core.SearchText;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
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
  /** A word with at most this many matching rows is searched alone, the others checked per row. */
  static final int FEW_DOCUMENTS = 1_000;
  /** A word this rare is not worth counting others for: checking its rows costs less. */
  private static final int FEW_ENOUGH = 50;
  /**
   * Checking one span's words (decode, collect its text, split it) against the cost per match of
   * reading and sorting what the index returns; measured over 1M spans (bench/RESULTS.md).
   */
  static final int CHECK_COST = 30;
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
    PreparedStatement longer = longerTerms(reader, vocabulary);
    List<String> parts = new ArrayList<>(words.size());
    for (String word : words) parts.add(wordExpression(longer, word));
    return String.join(" AND ", parts);
  }

  /**
   * Splits a search into what the text index is asked and what is checked on each row it returns.
   * FTS5 answers an AND by walking the document lists of its words together, and the words of an
   * email such as {@code example} and {@code com} are in every span: over 1M spans that cost a
   * second as prefix queries and still several times the rare word alone as exact terms. So each word's matches are counted, up to {@link #FEW_DOCUMENTS}; when one word has
   * that few, only it goes to the index, and the other words are checked with {@link
   * SearchText#matches} on the few rows found. When every word is common, the index gets them all,
   * unless so many spans match them all ({@code commonAt}, see {@link #commonAt}) that reading spans
   * in the page's order and checking each is cheaper than sorting every match.
   *
   * @param table the FTS5 table; {@code vocabulary} its fts5vocab table
   */
  static Narrowed narrowest(
      ReadConnections.Reader reader, String table, String vocabulary, List<String> words, long commonAt)
      throws SQLException {
    List<String> needed = withoutImplied(words);
    // Longest first: a long word is the likeliest to be rare, and counting stops at a rare one.
    needed.sort(Comparator.comparingInt(String::length).reversed());
    PreparedStatement longer = longerTerms(reader, vocabulary);
    List<String> expressions = new ArrayList<>(needed.size());
    for (String word : needed) expressions.add(wordExpression(longer, word));
    PreparedStatement count = reader.prepare(
        "SELECT count(*) FROM (SELECT 1 FROM " + table + " WHERE " + table + " MATCH ? LIMIT ?)");
    if (needed.size() == 1 && !expressions.get(0).endsWith("*")) {
      // One word is both the rarest and the whole search: one count answers both questions.
      return new Narrowed(expressions.get(0), List.of(), count(count, expressions.get(0), commonAt + 1) > commonAt);
    }
    int rarest = -1;
    long fewest = Long.MAX_VALUE;
    for (int i = 0; i < needed.size(); i++) {
      // A prefix expression reads its whole document list before the LIMIT applies: no cheap count.
      if (expressions.get(i).endsWith("*")) continue;
      long n = count(count, expressions.get(i), FEW_DOCUMENTS + 1);
      if (n < fewest) {
        fewest = n;
        rarest = i;
      }
      if (n <= FEW_ENOUGH) break;
    }
    if (rarest >= 0 && fewest <= FEW_DOCUMENTS) {
      List<String> check = new ArrayList<>(needed);
      check.remove(rarest);
      return new Narrowed(expressions.get(rarest), check, false);
    }
    String all = String.join(" AND ", expressions);
    boolean common = rarest >= 0 && expressions.stream().noneMatch(e -> e.endsWith("*"))
        && count(count, all, commonAt + 1) > commonAt;
    return new Narrowed(all, List.of(), common);
  }

  private static long count(PreparedStatement count, String expression, long limit) throws SQLException {
    count.setString(1, expression);
    count.setLong(2, limit);
    try (ResultSet r = count.executeQuery()) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  /**
   * How many spans a search must match for reading spans in the requested order and checking the
   * words on each to beat asking the index: the index returns every match, which then must be
   * sorted, at about 1/{@link #CHECK_COST} of what checking one span costs; the walk checks about
   * {@code limit * spans / matches} spans. Both cost the same at {@code matches² = CHECK_COST *
   * limit * spans}.
   */
  static long commonAt(long spans, int limit) {
    return Math.max(FEW_DOCUMENTS, (long) Math.sqrt((double) CHECK_COST * (limit + 1) * spans));
  }

  /**
   * What a text search asks the index ({@code match}) and the words still to be checked on every
   * row it returns ({@code check}, empty when the index checked them all). {@code common}: so many
   * spans match that reading spans in order and checking the words is cheaper (see {@link
   * #commonAt}).
   */
  record Narrowed(String match, List<String> check, boolean common) {}

  /** The words without repeats and without a word that starts another: that one is implied. */
  private static List<String> withoutImplied(List<String> words) {
    List<String> needed = new ArrayList<>();
    for (String word : words) {
      boolean implied = needed.stream().anyMatch(w -> w.startsWith(word));
      if (implied) continue;
      needed.removeIf(w -> word.startsWith(w));
      needed.add(word);
    }
    return needed;
  }

  private static PreparedStatement longerTerms(ReadConnections.Reader reader, String vocabulary)
      throws SQLException {
    return reader.prepare(
        "SELECT term FROM " + vocabulary + " WHERE term >= ? AND term < ? LIMIT " + (MAX_TERMS + 1));
  }

  private static String wordExpression(PreparedStatement longer, String word) throws SQLException {
    longer.setString(1, word + FIRST_WORD_CHARACTER);
    longer.setString(2, word + AFTER_EVERY_TERM);
    List<String> terms = new ArrayList<>(List.of(quote(word)));
    try (ResultSet r = longer.executeQuery()) {
      while (r.next()) terms.add(quote(r.getString(1)));
    }
    if (terms.size() > MAX_TERMS + 1) return quote(word) + "*";
    return "(" + String.join(" OR ", terms) + ")";
  }

  private static String quote(String term) {
    return '"' + term.replace("\"", "\"\"") + '"';
  }
}
