package dev.retrospect.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrospect.core.Chapter;
import dev.retrospect.core.Page;
import dev.retrospect.core.ReplayBatch;
import dev.retrospect.core.Session;
import dev.retrospect.core.SessionInfo;
import dev.retrospect.core.SessionQuery;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replay batches, chapters and sessions.
 *
 * <ul>
 *   <li>A batch is identified by (sessionId, sequence): written again it changes nothing (not the
 *       session's counts either). Batches may arrive in any order.
 *   <li>The first batch stored at a (sessionId, sequence) wins: a later batch at the same place with
 *       other content (other events, counts or chapter reports: a forgery, or a confused client) is
 *       ignored whole. Its events are not replayed, its counts are not summed, and its chapter
 *       reports change no chapter, as if it had never been written.
 *   <li>{@code replay(session, from, to)} returns, ordered by first event time then sequence, every
 *       batch with an event in [from, to], plus the batches before those back to the one holding
 *       the last full snapshot at or before {@code from} (or the session's first batch when there is
 *       none), so a player can start there. Returned batches carry their events and metadata
 *       exactly as written; their chapters and session may be empty (read those with {@code
 *       chapters} and {@code session}). {@code replayBytes} with the same arguments is the total
 *       length of the events those batches carry (0 when there are none).
 *   <li>A chapter is upserted: each report of the same chapter id is merged with {@link
 *       Chapter#mergedWith}, in the order of the batch sequence that carried it (not arrival
 *       order), so a late-arriving earlier report does not undo a later one.
 *   <li>A chapter belongs to the session that reported it first. A batch of another session that
 *       names the same chapter id (chapter ids are random, so such a batch is forged) stores its
 *       own events but changes nothing of that chapter: not its fields, not its trace (the forged
 *       trace id is not linked to it), not its session's chapters or counts; nor does the
 *       chapter count for, or appear among the chapters of, the forging session.
 *   <li>The session summary: firstSeen / lastSeen = earliest first / latest last event time of
 *       its batches; eventCount and errorCount = sums over its distinct batches (a batch's
 *       errorCount is what the agent counted: console errors, unhandled errors, failed requests);
 *       chapterCount = distinct chapters. service, userAgent and entryUrl come from the
 *       lowest-sequence batch that gave each; userId and userEmail from the highest-sequence batch
 *       that gave each (identify() is called later in a visit).
 *   <li>{@code searchSessions}: newest first by lastSeen (ties by session id descending); text
 *       words (as in span search) match user id, user email and entry URL; fromMicros keeps
 *       sessions last seen at or after it, toMicros sessions first seen before it; errorsOnly keeps
 *       sessions with errorCount &gt; 0; cursors as in span search.
 * </ul>
 */
public abstract class ReplayContract extends StorageContract {

  private static final SessionInfo AGENT =
      new SessionInfo("shop-web", "Mozilla/5.0 Test", "http://shop.local/", null, null);

  @Test
  void batchWrittenTwiceIsStoredAndCountedOnce() {
    String session = TestData.sessionId();
    long t = TestData.windowStart();
    ReplayBatch batch = TestData.batch(session, 0, t, t + 1_000_000, 40, List.of(t), List.of(), AGENT, 1);

    write(batch);
    write(batch);

    assertThat(storage().replay(session, t, t + 1_000_000)).hasSize(1);
    Session s = storage().session(session).orElseThrow();
    assertThat(s.eventCount()).isEqualTo(40);
    assertThat(s.errorCount()).isEqualTo(1);
  }

  @Test
  void aSecondBatchAtTheSameSequenceWithOtherContentIsIgnoredWhole() {
    String session = TestData.sessionId();
    long t = TestData.windowStart();
    String chapterId = TestData.chapterId();
    Chapter reported = TestData.answeredChapter(chapterId, session, 0, TestData.traceId(), t, 200);
    ReplayBatch first = TestData.batch(session, 3, t, t + 1_000_000, 40, List.of(t), List.of(reported), AGENT, 1);
    write(first);

    Chapter rewritten = new Chapter(chapterId, session, 0, TestData.traceId(), t, t + 9_000_000,
        "DELETE", "http://evil.local/", 500, 9_000L, "rewritten");
    ReplayBatch second = new ReplayBatch(session, 3, t, t + 1_000_000, 7, 5, List.of(t), List.of(rewritten), AGENT,
        TestData.events("other", t, 7));
    write(second);

    List<ReplayBatch> replay = storage().replay(session, t, t + 1_000_000);
    assertThat(replay).hasSize(1);
    assertThat(replay.get(0).events()).isEqualTo(first.events());
    assertThat(replay.get(0).eventCount()).isEqualTo(40);
    Session s = storage().session(session).orElseThrow();
    assertThat(s.eventCount()).isEqualTo(40);
    assertThat(s.errorCount()).isEqualTo(1);
    assertThat(s.chapterCount()).isEqualTo(1);
    assertThat(storage().chapter(chapterId)).contains(reported);
    assertThat(storage().chapters(session)).containsExactly(reported);
    assertThat(storage().chapterOfTrace(reported.traceId())).contains(reported);
    assertThat(storage().chapterOfTrace(rewritten.traceId())).isEmpty();
  }

  @Test
  void batchesOutOfOrderAreReplayedInTimeOrderWithTheirEvents() {
    String session = TestData.sessionId();
    long t = TestData.windowStart();
    List<ReplayBatch> batches = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long first = t + i * 10_000_000L;
      batches.add(TestData.batch(session, i, first, first + 9_000_000, 10 + i, i == 0 ? List.of(first) : List.of(), List.of(), AGENT, 0));
    }

    for (int i : new int[] {3, 0, 4, 1, 2}) write(batches.get(i));

    List<ReplayBatch> replay = storage().replay(session, t, t + 50_000_000);
    assertThat(replay).extracting(ReplayBatch::sequence).containsExactly(0L, 1L, 2L, 3L, 4L);
    for (int i = 0; i < 5; i++) {
      ReplayBatch read = replay.get(i);
      ReplayBatch written = batches.get(i);
      assertThat(read.sessionId()).isEqualTo(session);
      assertThat(read.firstEventMicros()).isEqualTo(written.firstEventMicros());
      assertThat(read.lastEventMicros()).isEqualTo(written.lastEventMicros());
      assertThat(read.eventCount()).isEqualTo(written.eventCount());
      assertThat(read.fullSnapshotMicros()).isEqualTo(written.fullSnapshotMicros());
      assertThat(read.events()).isEqualTo(written.events());
    }
    assertThat(storage().session(session).orElseThrow().eventCount()).isEqualTo(10 + 11 + 12 + 13 + 14);
  }

  @Test
  void replayStartsAtTheBatchWithTheLastFullSnapshotAtOrBeforeFrom() {
    String session = TestData.sessionId();
    long t = TestData.windowStart();
    // batch 0: [t, t+9s] snapshot at t; 1: no snapshot; 2: snapshot at t+25s; 3, 4: none.
    List<ReplayBatch> batches = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long first = t + i * 10_000_000L;
      List<Long> snapshots = i == 0 ? List.of(first) : i == 2 ? List.of(first + 5_000_000) : List.of();
      batches.add(TestData.batch(session, i, first, first + 9_000_000, 10, snapshots, List.of(), AGENT, 0));
    }
    for (int i : new int[] {4, 2, 0, 3, 1}) write(batches.get(i));

    assertThat(storage().replay(session, t + 41_000_000, t + 42_000_000))
        .as("from inside batch 4 starts at batch 2").extracting(ReplayBatch::sequence).containsExactly(2L, 3L, 4L);
    assertThat(storage().replay(session, t + 25_000_000, t + 26_000_000))
        .as("a snapshot exactly at from counts").extracting(ReplayBatch::sequence).containsExactly(2L);
    assertThat(storage().replay(session, t + 24_000_000, t + 31_000_000))
        .as("from just before batch 2's snapshot starts at batch 0").extracting(ReplayBatch::sequence).containsExactly(0L, 1L, 2L, 3L);
    assertThat(storage().replay(session, t + 11_000_000, t + 12_000_000))
        .extracting(ReplayBatch::sequence).containsExactly(0L, 1L);
    assertThat(storage().replay(TestData.sessionId(), t, t + 50_000_000)).isEmpty();
  }

  @Test
  void replayBytesIsTheSizeOfTheEventsThatReplayReturns() {
    String session = TestData.sessionId();
    long t = TestData.windowStart();
    for (int i = 0; i < 5; i++) {
      long first = t + i * 10_000_000L;
      List<Long> snapshots = i == 0 ? List.of(first) : i == 2 ? List.of(first + 5_000_000) : List.of();
      write(TestData.batch(session, i, first, first + 9_000_000, 10 * (i + 1), snapshots, List.of(), AGENT, 0));
    }

    long[][] ranges = {{t, t + 50_000_000}, {t + 41_000_000, t + 42_000_000}, {t + 11_000_000, t + 12_000_000},
        {t + 60_000_000, t + 70_000_000}};
    for (long[] range : ranges) {
      long expected = storage().replay(session, range[0], range[1]).stream().mapToLong(b -> b.events().length).sum();
      assertThat(storage().replayBytes(session, range[0], range[1])).as("from %d to %d", range[0] - t, range[1] - t)
          .isEqualTo(expected);
    }
    assertThat(storage().replayBytes(session, t, t + 50_000_000)).isPositive();
    assertThat(storage().replayBytes(TestData.sessionId(), t, t + 50_000_000)).isZero();
  }

  @Test
  void replayWithoutAnySnapshotStartsAtTheFirstBatch() {
    String session = TestData.sessionId();
    long t = TestData.windowStart();
    write(TestData.batch(session, 1, t + 10_000_000, t + 19_000_000, 5, List.of(), List.of(), AGENT, 0));
    write(TestData.batch(session, 0, t, t + 9_000_000, 5, List.of(), List.of(), AGENT, 0));

    assertThat(storage().replay(session, t + 15_000_000, t + 16_000_000))
        .extracting(ReplayBatch::sequence).containsExactly(0L, 1L);
  }

  @Test
  void chapterReportsAreMergedInBatchOrderWhateverTheArrivalOrder() {
    long t = TestData.windowStart();
    for (boolean reversed : new boolean[] {false, true}) {
      String session = TestData.sessionId();
      String chapterId = TestData.chapterId();
      Chapter opened = TestData.openChapter(chapterId, session, 0, t);
      Chapter answered = TestData.answeredChapter(chapterId, session, 0, TestData.traceId(), t + 500, 400);
      ReplayBatch first = TestData.batch(session, 0, t, t + 1_000, 3, List.of(t), List.of(opened), AGENT, 0);
      ReplayBatch second = TestData.batch(session, 1, t + 2_000, t + 5_000_000, 3, List.of(), List.of(answered), AGENT, 1);

      if (reversed) {
        write(second);
        write(first);
      } else {
        write(first);
        write(second);
      }

      Chapter expected = opened.mergedWith(answered);
      assertThat(storage().chapter(chapterId)).as("reversed=%s", reversed).contains(expected);
      assertThat(storage().chapters(session)).containsExactly(expected);
      assertThat(storage().chapterOfTrace(answered.traceId())).contains(expected);
    }
  }

  @Test
  void aBatchOfAnotherSessionNamingAChapterIdNeitherAltersNorTakesTheChapter() {
    long t = TestData.windowStart();
    String owner = TestData.sessionId();
    String forger = TestData.sessionId();
    String chapterId = TestData.chapterId();
    Chapter reported = TestData.answeredChapter(chapterId, owner, 0, TestData.traceId(), t, 400);
    write(TestData.batch(owner, 0, t, t + 5_000_000, 3, List.of(t), List.of(reported), AGENT, 1));
    Session before = storage().session(owner).orElseThrow();

    // Same batch sequence and an earlier first event, so neither batch order nor time favours the owner.
    Chapter forged = new Chapter(chapterId, forger, 3, TestData.traceId(), t - 1_000_000, t - 500_000,
        "GET", "http://evil.local/", 200, 10L, null);
    write(TestData.batch(forger, 0, t - 1_000_000, t - 100, 2, List.of(t - 1_000_000), List.of(forged), AGENT, 0));

    assertThat(storage().chapter(chapterId)).contains(reported);
    assertThat(storage().chapters(owner)).containsExactly(reported);
    assertThat(storage().chapters(forger)).isEmpty();
    assertThat(storage().chapterOfTrace(reported.traceId())).contains(reported);
    assertThat(storage().chapterOfTrace(forged.traceId())).isEmpty();
    assertThat(storage().session(owner)).contains(before);
    assertThat(before.chapterCount()).isEqualTo(1);
    assertThat(storage().session(forger).orElseThrow().chapterCount()).as("its batch is stored, the chapter not counted").isZero();

    Chapter later = new Chapter(chapterId, owner, 0, null, t + 1_000, null, null, null, null, null, "timeout");
    write(TestData.batch(owner, 1, t + 5_000_001, t + 6_000_000, 2, List.of(), List.of(later), AGENT, 1));
    assertThat(storage().chapter(chapterId)).as("the owner still completes it").contains(reported.mergedWith(later));
  }

  @Test
  void chaptersOfASessionAreOrderedBySequence() {
    String session = TestData.sessionId();
    long t = TestData.windowStart();
    List<Chapter> chapters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      chapters.add(TestData.answeredChapter(TestData.chapterId(), session, i, TestData.traceId(), t + i * 10_000_000L, 200));
    }
    write(TestData.batch(session, 1, t + 20_000_000, t + 39_000_000, 2, List.of(), List.of(chapters.get(3), chapters.get(2)), AGENT, 0));
    write(TestData.batch(session, 0, t, t + 19_000_000, 2, List.of(t), List.of(chapters.get(1), chapters.get(0)), AGENT, 0));

    assertThat(storage().chapters(session)).containsExactlyElementsOf(chapters);
    assertThat(storage().chapters(TestData.sessionId())).isEmpty();
    assertThat(storage().chapter(TestData.chapterId())).isEmpty();
  }

  @Test
  void sessionSummarizesItsBatches() {
    String session = TestData.sessionId();
    long t = TestData.windowStart();
    String email = TestData.word("ivan") + "@gmail.com";
    SessionInfo anonymous = new SessionInfo("shop-web", "Mozilla/5.0 First", "http://shop.local/start", null, null);
    SessionInfo identified = new SessionInfo("shop-web", "Mozilla/5.0 Later", "http://shop.local/later", "u-42", email);
    SessionInfo reidentified = new SessionInfo(null, null, null, "u-43", null);
    Chapter c0 = TestData.answeredChapter(TestData.chapterId(), session, 0, TestData.traceId(), t, 200);
    Chapter c1 = TestData.answeredChapter(TestData.chapterId(), session, 1, TestData.traceId(), t + 20_000_000, 400);

    write(TestData.batch(session, 2, t + 20_000_000, t + 29_000_000, 7, List.of(), List.of(c1), reidentified, 2));
    write(TestData.batch(session, 0, t, t + 9_000_000, 5, List.of(t), List.of(c0), anonymous, 0));
    write(TestData.batch(session, 1, t + 10_000_000, t + 19_000_000, 6, List.of(), List.of(), identified, 1));

    Session s = storage().session(session).orElseThrow();
    assertThat(s).isEqualTo(new Session(session, t, t + 29_000_000, "shop-web", "Mozilla/5.0 First",
        "http://shop.local/start", "u-43", email, 2, 18, 3));
    assertThat(storage().session(TestData.sessionId())).isEmpty();
  }

  @Test
  void sessionsAreFoundByUserEmailPrefix() {
    long t = TestData.windowStart();
    String user = TestData.word("ivan");
    String mine = TestData.sessionId();
    String other = TestData.sessionId();
    write(TestData.batch(mine, 0, t, t + 1_000_000, 3, List.of(t), List.of(), new SessionInfo("shop-web", "ua", "http://shop.local/", "u-1", user + "@gmail.com"), 0));
    write(TestData.batch(other, 0, t, t + 1_000_000, 3, List.of(t), List.of(), new SessionInfo("shop-web", "ua", "http://shop.local/", "u-2", TestData.word("ivan") + "@gmail.com"), 0));

    assertThat(storage().searchSessions(query(user + "@gmail.com", null, null, false)).items())
        .extracting(Session::sessionId).containsExactly(mine);
    assertThat(storage().searchSessions(query(user.substring(0, user.length() - 4), null, null, false)).items())
        .extracting(Session::sessionId).containsExactly(mine);
    assertThat(storage().searchSessions(query("%", t, t + 2_000_000, false)).items()).isEmpty();
  }

  @Test
  void sessionsAreFilteredByTimeAndErrorsNewestFirstWithCursors() {
    long t = TestData.windowStart();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = TestData.sessionId();
      ids.add(id);
      long first = t + i * 60_000_000L;
      write(TestData.batch(id, 0, first, first + 30_000_000, 4, List.of(first), List.of(), AGENT, i % 2));
    }

    List<String> all = new ArrayList<>();
    String cursor = null;
    do {
      Page<Session> page = storage().searchSessions(new SessionQuery(null, t, t + 300_000_000, false, 2, cursor));
      assertThat(page.items()).isNotEmpty().hasSizeLessThanOrEqualTo(2);
      page.items().forEach(s -> all.add(s.sessionId()));
      cursor = page.nextCursor();
    } while (cursor != null && all.size() < 20);
    assertThat(all).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));

    assertThat(storage().searchSessions(query(null, t, t + 300_000_000, true)).items())
        .extracting(Session::sessionId).containsExactly(ids.get(3), ids.get(1));
    assertThat(storage().searchSessions(query(null, t + 60_000_000 + 30_000_000, t + 120_000_000, false)).items())
        .as("last seen at or after from, first seen before to").extracting(Session::sessionId).containsExactly(ids.get(1));
  }

  private static SessionQuery query(String text, Long from, Long to, boolean errorsOnly) {
    return new SessionQuery(text, from, to, errorsOnly, 100, null);
  }
}
