package dev.retrospect.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrospect.contract.TestData;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Searches whose words are common enough that the store plans them differently (see {@link
 * TextMatch#narrowest}): more spans share the email's domain than {@link TextMatch#FEW_DOCUMENTS}.
 * The answers must be exactly those of the shared rule in either plan.
 */
class TextSearchPlanTest {
  @TempDir static Path dataDirectory;
  static SqliteStorage storage;
  static final String DOMAIN = TestData.word("shop");
  static final int CUSTOMERS = TextMatch.FEW_DOCUMENTS + 200;
  static final long START = TestData.windowStart();

  @BeforeAll
  static void open() {
    storage = SqliteStorage.open(dataDirectory);
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      spans.add(TestData.checkout(TestData.traceId(), "api", START + i, "buyer" + i + "@" + DOMAIN + ".com"));
    }
    storage.writeSpans(spans).join();
  }

  @AfterAll
  static void close() {
    storage.close();
  }

  @Test
  void aRareWordWithCommonOnesFindsOnlyTheSpanHavingThemAll() {
    // buyer1100 starts no other word: the customers stop at buyer1199.
    assertThat(emails(storage.searchSpans(SpanQuery.all().withText("buyer1100@" + DOMAIN + ".com")).items()))
        .containsExactly("buyer1100@" + DOMAIN + ".com");
    assertThat(storage.searchSpans(SpanQuery.all().withText("buyer1100@" + DOMAIN + ".org")).items()).isEmpty();
    assertThat(storage.searchSpans(SpanQuery.all().withText("buyer1100 cherries checkout")).items()).hasSize(1);
  }

  @Test
  void aRareWordsPrefixAmongCommonWordsFindsEveryCompletion() {
    // buyer17 and buyer170 to buyer179: there is no buyer1700
    List<Span> found = storage.searchSpans(SpanQuery.all().withText("buyer17 " + DOMAIN).withLimit(100)).items();
    assertThat(emails(found)).hasSize(11).allMatch(e -> e.startsWith("buyer17"));
  }

  @Test
  void onlyCommonWordsPageThroughTheNewestMatchesFirst() {
    var page = storage.searchSpans(SpanQuery.all().withText(DOMAIN + " com cherries").withLimit(10));
    assertThat(page.items()).extracting(Span::startMicros)
        .containsExactly(descendingFrom(START + CUSTOMERS - 1, 10));
    assertThat(page.nextCursor()).isNotNull();
  }

  private static Long[] descendingFrom(long first, int n) {
    Long[] values = new Long[n];
    for (int i = 0; i < n; i++) values[i] = first - i;
    return values;
  }

  private static List<String> emails(List<Span> spans) {
    return spans.stream()
        .map(s -> s.attributes().get("http.request.body").value().replaceAll(".*\"email\":\"([^\"]*)\".*", "$1"))
        .toList();
  }
}
