package dev.retrospect.store.cassandra;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.retrospect.core.Ids;
import dev.retrospect.core.InvalidInputException;
import dev.retrospect.core.Page;
import dev.retrospect.core.SearchText;
import dev.retrospect.core.Session;
import dev.retrospect.core.SessionQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Session search, newest first by last seen. {@code sessions_by_day} lists the sessions that had a
 * batch ending on each day; a session belongs to the day of its last seen time, so reading days
 * from the newest gives sessions in order day by day, and each day's are summarized (from their
 * batches, as {@link CassandraStorage#session} does), filtered and sorted in memory.
 */
final class SessionSearch {
  private static final int PARALLEL_READS = 64;
  private static final Comparator<Session> NEWEST =
      Comparator.comparingLong(Session::lastSeenMicros).thenComparing(Session::sessionId).reversed();

  private final CassandraStorage store;
  private final PreparedStatement selectSessionsOfDay;

  SessionSearch(CassandraStorage store) {
    this.store = store;
    this.selectSessionsOfDay = store.prepare("SELECT session_id FROM {ks}.sessions_by_day WHERE day = ?");
  }

  Page<Session> search(SessionQuery query) {
    Session cursor = decode(query.cursor());
    List<String> words = query.text() == null ? null : SearchText.words(query.text());
    if (words != null && words.isEmpty()) return new Page<>(List.of(), null);

    int wanted = query.limit() + 1;
    List<Session> found = new ArrayList<>();
    for (long day : store.buckets(Buckets.SESSION_DAYS)) {
      if (query.fromMicros() != null && day < Buckets.day(query.fromMicros())) break;
      if (cursor != null && day > Buckets.day(cursor.lastSeenMicros())) continue;
      List<Session> ofDay = new ArrayList<>();
      for (Session s : summaries(day)) {
        // A session with later batches is listed under a later day too, and belongs there.
        if (Buckets.day(s.lastSeenMicros()) != day) continue;
        if (query.fromMicros() != null && s.lastSeenMicros() < query.fromMicros()) continue;
        if (query.toMicros() != null && s.firstSeenMicros() >= query.toMicros()) continue;
        if (query.errorsOnly() && s.errorCount() == 0) continue;
        if (words != null && !matches(words, s)) continue;
        if (cursor != null && NEWEST.compare(s, cursor) <= 0) continue;
        ofDay.add(s);
      }
      ofDay.sort(NEWEST);
      found.addAll(ofDay);
      if (found.size() >= wanted) break;
    }
    List<Session> page = found.size() > query.limit() ? found.subList(0, query.limit()) : found;
    String next = found.size() > query.limit() ? encode(page.get(page.size() - 1)) : null;
    return new Page<>(page, next);
  }

  private List<Session> summaries(long day) {
    List<String> ids = new ArrayList<>();
    for (Row row : store.session().execute(selectSessionsOfDay.bind(day))) ids.add(row.getString("session_id"));
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += PARALLEL_READS) {
      List<CompletableFuture<Optional<Session>>> window = new ArrayList<>();
      for (String id : ids.subList(i, Math.min(ids.size(), i + PARALLEL_READS))) window.add(store.sessionAsync(id));
      for (CompletableFuture<Optional<Session>> s : window) s.join().ifPresent(sessions::add);
    }
    return sessions;
  }

  /** Every query word is a word, or the start of one, of the user id, user email or entry URL. */
  private static boolean matches(List<String> words, Session s) {
    List<String> sessionWords = SearchText.words(
        String.join("\n", nonNull(s.userId()), nonNull(s.userEmail()), nonNull(s.entryUrl())));
    return words.stream().allMatch(q -> sessionWords.stream().anyMatch(w -> w.startsWith(q)));
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  private static String encode(Session last) {
    String text = "session:" + last.lastSeenMicros() + ":" + last.sessionId();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor as a session holding only the sort key; null for no cursor. */
  private static Session decode(String cursor) {
    if (cursor == null) return null;
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":");
      if (parts.length != 3 || !parts[0].equals("session")) throw new IllegalArgumentException();
      long lastSeen = Long.parseLong(parts[1]);
      return new Session(parts[2], lastSeen, lastSeen, null, null, null, null, null, 0, 0, 0);
    } catch (IllegalArgumentException | InvalidInputException e) {
      throw new InvalidInputException("cursor is not one this server returned: " + Ids.quote(cursor));
    }
  }
}
