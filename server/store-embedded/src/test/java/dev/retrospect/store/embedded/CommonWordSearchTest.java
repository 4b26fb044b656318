package dev.retrospect.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrospect.contract.TestData;
import dev.retrospect.core.Page;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.SpanSort;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Searches whose words most spans have, which the store answers by reading spans in the page's
 * order and checking each (see {@link TextMatch#commonAt}) rather than sorting every match. The
 * answers must be exactly those of the shared rule: the same spans, in the same order, paged
 * without a gap or a repeat.
 *
 * <p>The store holds {@link #RECENT} newer spans of the service {@code cart}, none with the word
 * {@code blackberries}, after {@link #OLDER} older {@code checkout} spans that all have it: a walk
 * from the newest span finds no {@code blackberries} within its budget and must hand over to the
 * text index where it stopped.
 */
class CommonWordSearchTest {
  @TempDir static Path dataDirectory;
  static SqliteStorage storage;
  static final int OLDER = 5_000;
  static final int RECENT = SqliteStorage.WALK_BUDGET + 1_000;
  static final long START = TestData.windowStart();

  @BeforeAll
  static void open() {
    storage = SqliteStorage.open(dataDirectory);
    assertThat(TextMatch.commonAt(OLDER + RECENT, 10)).isLessThan(OLDER);
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < OLDER; i++) {
      spans.add(TestData.checkout(TestData.traceId(), "checkout", START + i, "buyer" + i + "@blackberries.example"));
    }
    for (int i = 0; i < RECENT; i++) {
      spans.add(TestData.checkout(TestData.traceId(), "cart", START + OLDER + i, "visitor" + i + "@example.com"));
    }
    for (int from = 0; from < spans.size(); from += 1_000) {
      storage.writeSpans(spans.subList(from, Math.min(spans.size(), from + 1_000))).join();
    }
  }

  @AfterAll
  static void close() {
    storage.close();
  }

  @Test
  void aWordEverySpanHasGivesTheNewestSpansFirst() {
    Page<Span> page = storage.searchSpans(SpanQuery.all().withText("cherries checkout").withLimit(10));
    assertThat(page.items()).extracting(Span::startMicros).containsExactly(descending(START + OLDER + RECENT - 1, 10));
    Page<Span> next = storage.searchSpans(SpanQuery.all().withText("cherries checkout").withLimit(10).withCursor(page.nextCursor()));
    assertThat(next.items()).extracting(Span::startMicros).containsExactly(descending(START + OLDER + RECENT - 11, 10));
  }

  @Test
  void aCommonWordWithFiltersAndAnotherOrderKeepsThem() {
    List<Span> oldest = storage.searchSpans(
        SpanQuery.all().withText("cherries").withService("checkout").withSort(SpanSort.OLDEST).withLimit(5)).items();
    assertThat(oldest).extracting(Span::startMicros).containsExactly(START, START + 1, START + 2, START + 3, START + 4);
    assertThat(oldest).allMatch(s -> s.service().equals("checkout"));
  }

  @Test
  void aCommonWordOnlyAmongOlderSpansIsFoundPastTheWalksBudget() {
    SpanQuery query = SpanQuery.all().withText("blackberries").withLimit(10);
    Page<Span> page = storage.searchSpans(query);
    assertThat(page.items()).extracting(Span::startMicros).containsExactly(descending(START + OLDER - 1, 10));
    assertThat(page.items()).allMatch(s -> s.service().equals("checkout"));

    // Page through all of them: every match once, newest first.
    List<Long> starts = new ArrayList<>();
    String cursor = null;
    do {
      Page<Span> p = storage.searchSpans(query.withLimit(1_000).withCursor(cursor));
      p.items().forEach(s -> starts.add(s.startMicros()));
      cursor = p.nextCursor();
    } while (cursor != null);
    assertThat(starts).containsExactly(descending(START + OLDER - 1, OLDER));
  }

  @Test
  void aRareWordAmongCommonOnesStillGoesToTheIndex() {
    assertThat(storage.searchSpans(SpanQuery.all().withText("buyer4321 blackberries")).items())
        .extracting(Span::startMicros).containsExactly(START + 4321);
  }

  private static Long[] descending(long first, int n) {
    Long[] values = new Long[n];
    for (int i = 0; i < n; i++) values[i] = first - i;
    return values;
  }
}
