package dev.retrospect.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrospect.core.Chapter;
import dev.retrospect.core.SessionInfo;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Spans joined to chapters and sessions. The rules, applied when spans are read (search results
 * and {@code trace}), so that arrival order never matters and no background job is needed:
 *
 * <ul>
 *   <li>A span's own {@code session.id} / {@code retrospect.chapter.id} attributes (baggage copied
 *       by an agent) are kept as they are.
 *   <li>A span without its own sessionId takes the sessionId and chapterId of the chapter whose
 *       traceId is the span's trace id ({@code chapterOfTrace}).
 *   <li>A span with its own sessionId but no chapterId takes the chapterId of its trace's chapter
 *       only when that chapter belongs to the same session. In general: fields a span carries
 *       itself are kept, and missing ones are filled from its trace's chapter only when that
 *       chapter agrees with every field the span does carry.
 *   <li>When several chapters name the same trace (it should not happen), the one with the
 *       earliest first event wins, then the lowest chapter id.
 * </ul>
 */
public abstract class LinkingContract extends StorageContract {

  private static final SessionInfo AGENT = new SessionInfo("shop-web", "ua", "http://shop.local/", null, null);

  private Chapter chapterFor(String sessionId, String traceId, long t) {
    return TestData.answeredChapter(TestData.chapterId(), sessionId, 0, traceId, t - 4_000_000, 400);
  }

  private void writeChapter(Chapter chapter, long t) {
    write(TestData.batch(chapter.sessionId(), 0, t - 5_000_000, t, 3, List.of(t - 5_000_000), List.of(chapter), AGENT, 1));
  }

  @Test
  void spanThatArrivesBeforeItsChapterIsLinkedOnceTheChapterArrives() {
    long t = TestData.windowStart();
    String service = TestData.service("api");
    Span root = TestData.checkout(TestData.traceId(), service, t, "dale@gmail.com");
    Span child = TestData.span(service, t + 10).traceId(root.traceId()).parentSpanId(root.spanId()).build();
    write(root, child);
    assertThat(storage().trace(root.traceId())).allMatch(s -> s.sessionId() == null && s.chapterId() == null);
    Chapter chapter = chapterFor(TestData.sessionId(), root.traceId(), t);

    writeChapter(chapter, t);

    assertLinked(root, child, chapter);
  }

  @Test
  void spanThatArrivesAfterItsChapterIsLinked() {
    long t = TestData.windowStart();
    String service = TestData.service("api");
    Span root = TestData.checkout(TestData.traceId(), service, t, "dale@gmail.com");
    Span child = TestData.span(service, t + 10).traceId(root.traceId()).parentSpanId(root.spanId()).build();
    Chapter chapter = chapterFor(TestData.sessionId(), root.traceId(), t);

    writeChapter(chapter, t);
    write(child);
    write(root);

    assertLinked(root, child, chapter);
  }

  private void assertLinked(Span root, Span child, Chapter chapter) {
    assertThat(storage().chapterOfTrace(root.traceId())).contains(chapter);
    assertThat(storage().trace(root.traceId()))
        .containsExactly(
            root.withLink(chapter.sessionId(), chapter.chapterId()),
            child.withLink(chapter.sessionId(), chapter.chapterId()));
    assertThat(searchAll(SpanQuery.all().withService(root.service())))
        .isNotEmpty()
        .allMatch(s -> chapter.sessionId().equals(s.sessionId()) && chapter.chapterId().equals(s.chapterId()));
  }

  @Test
  void spanWithItsOwnSessionAttributesKeepsThem() {
    long t = TestData.windowStart();
    String ownSession = TestData.sessionId();
    String ownChapter = TestData.chapterId();
    Span span =
        TestData.span(TestData.service("node"), t)
            .attribute("session.id", ownSession)
            .attribute("retrospect.chapter.id", ownChapter)
            .build();
    Chapter elsewhere = chapterFor(TestData.sessionId(), span.traceId(), t);

    write(span);
    assertThat(storage().trace(span.traceId())).extracting(Span::sessionId, Span::chapterId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ownSession, ownChapter));
    writeChapter(elsewhere, t);

    assertThat(storage().trace(span.traceId())).containsExactly(span);
    assertThat(searchAll(SpanQuery.all().withService(span.service()))).containsExactly(span);
  }

  @Test
  void spanWithOnlyASessionTakesTheChapterOfItsTraceInThatSession() {
    long t = TestData.windowStart();
    String session = TestData.sessionId();
    String service = TestData.service("db");
    Span sameSession = TestData.span(service, t).attribute("session.id", session).build();
    Span otherSession = TestData.span(service, t + 1).attribute("session.id", TestData.sessionId()).build();
    Chapter chapter = chapterFor(session, sameSession.traceId(), t);
    Chapter otherChapter = chapterFor(TestData.sessionId(), otherSession.traceId(), t);

    write(sameSession, otherSession);
    writeChapter(chapter, t);
    writeChapter(otherChapter, t);

    assertThat(storage().trace(sameSession.traceId())).containsExactly(sameSession.withLink(session, chapter.chapterId()));
    assertThat(storage().trace(otherSession.traceId())).containsExactly(otherSession);
  }

  @Test
  void chapterOfAnUnknownTraceIsEmpty() {
    assertThat(storage().chapterOfTrace(TestData.traceId())).isEmpty();
  }
}
