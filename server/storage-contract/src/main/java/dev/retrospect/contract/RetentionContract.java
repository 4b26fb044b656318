package dev.retrospect.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrospect.core.Chapter;
import dev.retrospect.core.SessionInfo;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code purgeBefore(t)} deletes spans that started before t, replay batches whose last event is
 * before t, chapters whose first event is before t and sessions last seen before t, and keeps
 * everything newer. It returns the number of spans deleted.
 *
 * <p>These tests write data before 2001 ({@link TestData#EPOCH_2001_MICROS}) and purge only
 * before that, so that they never touch the data of other contract tests sharing the store.
 */
public abstract class RetentionContract extends StorageContract {

  private static final long YEAR = 365L * 24 * 3600 * 1_000_000;

  @Test
  void purgeDeletesOldDataAndKeepsNewer() {
    long cut = TestData.EPOCH_2001_MICROS - YEAR - ThreadLocalRandom.current().nextLong(YEAR);
    long old = cut - 3_600_000_000L;
    long newer = cut + 3_600_000_000L;
    String service = TestData.service("purge");
    Span oldSpan = TestData.span(service, old).build();
    Span newSpan = TestData.span(service, newer).build();
    Span boundary = TestData.span(service, cut).build();
    String oldSession = TestData.sessionId();
    String newSession = TestData.sessionId();
    Chapter oldChapter = TestData.answeredChapter(TestData.chapterId(), oldSession, 0, oldSpan.traceId(), old, 200);
    Chapter newChapter = TestData.answeredChapter(TestData.chapterId(), newSession, 0, newSpan.traceId(), newer, 200);
    SessionInfo info = new SessionInfo("shop-web", "ua", "http://shop.local/", null, null);
    write(oldSpan, newSpan, boundary);
    write(TestData.batch(oldSession, 0, old, old + 1_000_000, 3, List.of(old), List.of(oldChapter), info, 0));
    write(TestData.batch(newSession, 0, newer, newer + 1_000_000, 3, List.of(newer), List.of(newChapter), info, 0));

    long deleted = storage().purgeBefore(cut);

    assertThat(deleted).isGreaterThanOrEqualTo(1);
    assertThat(storage().trace(oldSpan.traceId())).isEmpty();
    assertThat(storage().session(oldSession)).isEmpty();
    assertThat(storage().chapter(oldChapter.chapterId())).isEmpty();
    assertThat(storage().replay(oldSession, old, old + 1_000_000)).isEmpty();
    assertThat(searchAll(SpanQuery.all().withService(service))).containsExactlyInAnyOrder(
        newSpan.withLink(newSession, newChapter.chapterId()), boundary);
    assertThat(storage().session(newSession)).isPresent();
    assertThat(storage().chapter(newChapter.chapterId())).isPresent();
    assertThat(storage().replay(newSession, newer, newer + 1_000_000)).hasSize(1);
  }
}
