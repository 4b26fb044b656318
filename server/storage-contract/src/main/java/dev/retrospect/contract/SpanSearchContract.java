package dev.retrospect.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.InvalidInputException;
import dev.retrospect.core.Page;
import dev.retrospect.core.SearchText;
import dev.retrospect.core.SessionQuery;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.SpanSort;
import dev.retrospect.core.StatusCode;
import dev.retrospect.core.StatusFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Span search. What each {@link SpanQuery} field means:
 *
 * <ul>
 *   <li>{@code text}: see {@link SearchText}: words are runs of letters and digits, split on
 *       everything else, case-insensitive; each query word matches a whole word or a prefix of one
 *       in the span's name, service, status message, attribute values or event names/values; all
 *       query words must match (AND). A query with no word at all ({@code "%"}) matches nothing.
 *   <li>{@code service}: exact service name.
 *   <li>{@code status}: {@link StatusFilter#matches}: an HTTP code, a class ({@code 5xx}), or
 *       {@code error} = OTel status ERROR or HTTP status ≥ 500.
 *   <li>{@code fromMicros} inclusive, {@code toMicros} exclusive, on the span's start time.
 *   <li>{@code minDurationMicros} and {@code maxDurationMicros} both inclusive.
 *   <li>{@code sort}: NEWEST = start time descending, OLDEST = ascending, LONGEST = duration
 *       descending, SHORTEST = ascending; ties are ordered by trace id then span id, in the same
 *       direction as the sort (lower-case hex compared as text).
 *   <li>{@code limit}: at most that many results per page; {@code nextCursor} is null exactly when
 *       no result follows (never an empty last page). Following cursors neither skips nor repeats
 *       a span, in every sort, whatever the ties. A cursor the store did not give out (for spans
 *       or sessions) is refused with {@link InvalidInputException}, so the API answers 400.
 *   <li>Results carry sessionId and chapterId when linked (see {@link LinkingContract}).
 * </ul>
 */
public abstract class SpanSearchContract extends StorageContract {

  /** Three services, varied statuses, durations and words, all inside one fresh window. */
  private record Dataset(long start, long end, List<String> services, List<String> words, List<Span> spans) {}

  private Dataset dataset() {
    long start = TestData.windowStart();
    List<String> services =
        List.of(TestData.service("api"), TestData.service("payment"), TestData.service("inventory"));
    List<String> words = List.of(TestData.word("cherry"), TestData.word("plum"), TestData.word("fig"));
    Integer[] httpStatuses = {null, 200, 201, 400, 404, 500, 503};
    StatusCode[] codes = StatusCode.values();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 84; i++) {
      Map<String, AttributeValue> attributes = new HashMap<>();
      Integer http = httpStatuses[i % httpStatuses.length];
      if (http != null) attributes.put("http.response.status_code", AttributeValue.integer(http));
      attributes.put("note", AttributeValue.string(words.get(i % 3) + " and " + words.get((i / 3) % 3)));
      spans.add(
          TestData.span(services.get((i / 7) % 3), start + i * 1_000_000L + r.nextInt(1_000))
              .durationMicros(1_000L * (1 + (i * 13) % 40))
              .status(codes[(i / 2) % codes.length], "")
              .attributes(attributes)
              .build());
    }
    write(spans);
    return new Dataset(start, start + 84 * 1_000_000L, services, words, spans);
  }

  /** The query restricted to the dataset's window, the predicate with the same restriction. */
  private void assertSearch(Dataset d, SpanQuery query, Predicate<Span> expected) {
    SpanQuery windowed =
        query.withTime(
            query.fromMicros() == null ? d.start() : query.fromMicros(),
            query.toMicros() == null ? d.end() : query.toMicros());
    List<Span> want =
        d.spans().stream()
            .filter(s -> s.startMicros() >= windowed.fromMicros() && s.startMicros() < windowed.toMicros())
            .filter(expected)
            .sorted(order(windowed.sort()))
            .toList();
    assertThat(searchAll(windowed.withLimit(1000))).as("search %s", windowed).containsExactlyElementsOf(want);
  }

  /** The order a sort promises, ties included. */
  protected static Comparator<Span> order(SpanSort sort) {
    Comparator<Span> byKey =
        switch (sort) {
          case NEWEST, OLDEST -> Comparator.comparingLong(Span::startMicros);
          case LONGEST, SHORTEST -> Comparator.comparingLong(Span::durationMicros);
        };
    Comparator<Span> ascending =
        byKey.thenComparing(Span::traceId).thenComparing(Span::spanId);
    return sort == SpanSort.NEWEST || sort == SpanSort.LONGEST ? ascending.reversed() : ascending;
  }

  @Test
  void timeWindowAloneIncludesFromAndExcludesTo() {
    Dataset d = dataset();
    Span first = d.spans().get(10);
    Span last = d.spans().get(20);

    assertSearch(d, SpanQuery.all().withTime(first.startMicros(), last.startMicros()),
        s -> true);
    List<Span> found = searchAll(SpanQuery.all().withTime(first.startMicros(), last.startMicros()).withLimit(1000));
    assertThat(found).contains(first).doesNotContain(last).hasSize(10);
  }

  @Test
  void serviceFilterAlone() {
    Dataset d = dataset();
    for (String service : d.services()) {
      assertSearch(d, SpanQuery.all().withService(service), s -> s.service().equals(service));
    }
    assertThat(searchAll(SpanQuery.all().withService(d.services().get(0)))).hasSize(28);
  }

  @Test
  void statusCodeClassAndErrorFiltersAlone() {
    Dataset d = dataset();
    for (String status : List.of("503", "404", "200", "5xx", "4xx", "2xx", "error")) {
      StatusFilter filter = StatusFilter.parse(status);
      assertSearch(d, SpanQuery.all().withStatus(filter), filter::matches);
    }
  }

  @Test
  void errorMeansStatusErrorOrHttp5xx() {
    Dataset d = dataset();
    List<Span> errors = searchAll(SpanQuery.all().withStatus(StatusFilter.ERROR).withTime(d.start(), d.end()));
    assertThat(errors).isNotEmpty().allMatch(s -> s.statusCode() == StatusCode.ERROR || s.httpStatus() != null && s.httpStatus() >= 500);
    assertThat(errors).anyMatch(s -> s.statusCode() != StatusCode.ERROR).anyMatch(s -> s.httpStatus() == null);
  }

  @Test
  void durationFiltersAloneAreInclusive() {
    Dataset d = dataset();
    assertSearch(d, SpanQuery.all().withDuration(10_000L, null), s -> s.durationMicros() >= 10_000);
    assertSearch(d, SpanQuery.all().withDuration(null, 10_000L), s -> s.durationMicros() <= 10_000);
    assertSearch(d, SpanQuery.all().withDuration(5_000L, 7_000L), s -> s.durationMicros() >= 5_000 && s.durationMicros() <= 7_000);
    assertThat(searchAll(SpanQuery.all().withTime(d.start(), d.end()).withDuration(14_000L, 14_000L)))
        .isNotEmpty().allMatch(s -> s.durationMicros() == 14_000);
  }

  @Test
  void textFilterAlone() {
    Dataset d = dataset();
    for (String word : d.words()) {
      assertSearch(d, SpanQuery.all().withText(word), s -> SearchText.matches(List.of(word), s));
    }
  }

  @Test
  void fromAloneAndToAloneBoundTheSearch() {
    Dataset d = dataset();
    String service = d.services().get(1);
    long middle = d.spans().get(42).startMicros();

    List<Span> after = searchAll(SpanQuery.all().withService(service).withTime(middle, null));
    List<Span> before = searchAll(SpanQuery.all().withService(service).withTime(null, middle));

    assertThat(after).allMatch(s -> s.startMicros() >= middle).isNotEmpty();
    assertThat(before).allMatch(s -> s.startMicros() < middle).isNotEmpty();
    assertThat(after.size() + before.size()).isEqualTo(28);
  }

  @Test
  void filtersCombineWithAnd() {
    Dataset d = dataset();
    String service = d.services().get(2);
    String word = d.words().get(1);
    StatusFilter error = StatusFilter.ERROR;
    StatusFilter fourxx = StatusFilter.parse("4xx");

    assertSearch(d, SpanQuery.all().withService(service).withText(word),
        s -> s.service().equals(service) && SearchText.matches(List.of(word), s));
    assertSearch(d, SpanQuery.all().withService(service).withStatus(error).withDuration(3_000L, 30_000L),
        s -> s.service().equals(service) && error.matches(s) && s.durationMicros() >= 3_000 && s.durationMicros() <= 30_000);
    assertSearch(d, SpanQuery.all().withText(word).withStatus(fourxx).withTime(d.start() + 20_000_000, d.start() + 70_000_000).withSort(SpanSort.LONGEST),
        s -> SearchText.matches(List.of(word), s) && fourxx.matches(s));
    assertSearch(d, SpanQuery.all().withText(d.words().get(0) + " " + word).withService(d.services().get(0)).withSort(SpanSort.SHORTEST),
        s -> SearchText.matches(List.of(d.words().get(0), word), s) && s.service().equals(d.services().get(0)));
  }

  @ParameterizedTest
  @EnumSource(SpanSort.class)
  void eachSortOrdersResults(SpanSort sort) {
    Dataset d = dataset();
    assertSearch(d, SpanQuery.all().withSort(sort), s -> true);
    assertSearch(d, SpanQuery.all().withSort(sort).withService(d.services().get(1)), s -> s.service().equals(d.services().get(1)));
  }

  @ParameterizedTest
  @EnumSource(SpanSort.class)
  void cursorsNeitherSkipNorRepeatWithTiedStartsAndDurations(SpanSort sort) {
    String service = TestData.service("page");
    long start = TestData.windowStart();
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      // Groups of five share a start time and durations repeat every seven spans, so both sort
      // keys have many ties that only the trace and span ids order.
      spans.add(TestData.span(service, start + (i / 5) * 1_000L).durationMicros(100L * (i % 7)).build());
    }
    write(spans.subList(0, 125));
    write(spans.subList(125, 250));

    List<Span> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Page<Span> page = storage().searchSpans(SpanQuery.all().withService(service).withSort(sort).withLimit(7).withCursor(cursor));
      assertThat(page.items()).isNotEmpty().hasSizeLessThanOrEqualTo(7);
      seen.addAll(page.items());
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null && pages < 100);

    assertThat(pages).isEqualTo(36);
    assertThat(seen).doesNotHaveDuplicates().hasSize(250);
    assertThat(seen).containsExactlyElementsOf(spans.stream().sorted(order(sort)).toList());
  }

  @Test
  void cursorsPageThroughTextMatchesToo() {
    String word = TestData.word("paged");
    long start = TestData.windowStart();
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      spans.add(TestData.span(TestData.service("text"), start + (i / 2) * 10L).attribute("note", "about " + word).build());
    }
    write(spans);

    List<Span> seen = new ArrayList<>();
    String cursor = null;
    do {
      Page<Span> page = storage().searchSpans(SpanQuery.all().withText(word).withLimit(4).withCursor(cursor));
      seen.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null && seen.size() < 100);

    assertThat(seen).containsExactlyElementsOf(spans.stream().sorted(order(SpanSort.NEWEST)).toList());
  }

  @Test
  void aCursorThatWasNotGivenOutIsRefusedAsInvalidInput() {
    assertThatThrownBy(() -> storage().searchSpans(SpanQuery.all().withCursor("not-a-cursor")))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> storage().searchSessions(new SessionQuery(null, null, null, false, 10, "%%%")))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void limitCutsAPageAndTheLastPageHasNoCursor() {
    String service = TestData.service("limit");
    long start = TestData.windowStart();
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 14; i++) spans.add(TestData.span(service, start + i).build());
    write(spans);

    Page<Span> first = storage().searchSpans(SpanQuery.all().withService(service).withLimit(7));
    Page<Span> second = storage().searchSpans(SpanQuery.all().withService(service).withLimit(7).withCursor(first.nextCursor()));

    assertThat(first.items()).hasSize(7);
    assertThat(first.nextCursor()).isNotNull();
    assertThat(second.items()).hasSize(7);
    assertThat(second.nextCursor()).isNull();
    assertThat(storage().searchSpans(SpanQuery.all().withService(service).withLimit(20)).nextCursor()).isNull();
  }

  @Test
  void searchByPrefixFindsAWordInsideAJsonBody() {
    long start = TestData.windowStart();
    String service = TestData.service("shop");
    Span dale = TestData.checkout(TestData.traceId(), service, start, "dale@gmail.com");
    Span ivan = TestData.checkout(TestData.traceId(), service, start + 1_000, "ivan@gmail.com");
    write(dale, ivan);
    SpanQuery window = SpanQuery.all().withTime(start, start + 60_000_000);

    assertThat(searchAll(window.withText("dale"))).containsExactly(dale);
    assertThat(searchAll(window.withText("DAL"))).containsExactly(dale);
    assertThat(searchAll(window.withText("ivan@gmail.com"))).containsExactly(ivan);
    assertThat(searchAll(window.withText("gmail cherries"))).containsExactlyInAnyOrder(dale, ivan);
    assertThat(searchAll(window.withText("dale gmail"))).containsExactly(dale);
    assertThat(searchAll(window.withText("dale ivan"))).isEmpty();
    assertThat(searchAll(window.withText("ale"))).as("a word matches from its start only").isEmpty();
  }

  @Test
  void searchByUniqueEmailFindsOnlyItsSpanAnywhereInTime() {
    String user = TestData.word("dale");
    String service = TestData.service("shop");
    long start = TestData.windowStart();
    Span mine = TestData.checkout(TestData.traceId(), service, start, user + "@gmail.com");
    Span other = TestData.checkout(TestData.traceId(), service, start + 5, TestData.word("dale") + "@gmail.com");
    write(mine, other);

    assertThat(searchAll(SpanQuery.all().withText(user + "@gmail.com"))).containsExactly(mine);
    assertThat(searchAll(SpanQuery.all().withText(user.substring(0, user.length() - 3)))).containsExactly(mine);
  }

  @Test
  void textMatchesNameServiceUrlAttributeAndEventValues() {
    long start = TestData.windowStart();
    String service = TestData.service("where");
    String inName = TestData.word("named");
    String inUrl = TestData.word("urlpath");
    String inEvent = TestData.word("boom");
    String inKeyOnly = TestData.word("keyonly");
    Span span =
        TestData.span(service, start)
            .name("GET /" + inName)
            .attributes(
                Map.of(
                    "url.full", AttributeValue.string("http://shop.local/" + inUrl + "?x=1"),
                    inKeyOnly, AttributeValue.string("value")))
            .events(List.of(new dev.retrospect.core.SpanEvent(start + 1, "exception",
                Map.of("exception.message", AttributeValue.string("failed: " + inEvent)))))
            .build();
    write(span);

    assertThat(searchAll(SpanQuery.all().withText(inName))).containsExactly(span);
    assertThat(searchAll(SpanQuery.all().withText(inUrl))).containsExactly(span);
    assertThat(searchAll(SpanQuery.all().withText(inEvent))).containsExactly(span);
    assertThat(searchAll(SpanQuery.all().withText(service))).containsExactly(span);
    assertThat(searchAll(SpanQuery.all().withText(inKeyOnly))).as("attribute keys are not searched").isEmpty();
  }

  @Test
  void unicodeAndOddTextIsSearchedSafely() {
    long start = TestData.windowStart();
    String service = TestData.service("odd");
    Span cjk = TestData.span(service, start).attribute("note", "東京駅で買い物 🍒").build();
    Span rtl = TestData.span(service, start + 1).attribute("note", "שלום עולם").build();
    Span sql = TestData.span(service, start + 2).attribute("note", "name = '' OR 1=1 -- 100% _x_").build();
    write(cjk, rtl, sql);
    SpanQuery mine = SpanQuery.all().withService(service);

    assertThat(searchAll(mine.withText("東京駅"))).containsExactly(cjk);
    assertThat(searchAll(mine.withText("שלום"))).containsExactly(rtl);
    assertThat(searchAll(mine.withText("' OR 1=1 --"))).containsExactly(sql);
    assertThat(searchAll(mine.withText("100%"))).containsExactly(sql);
    assertThat(searchAll(mine.withText("\"x\" OR *"))).containsExactly(sql);
    assertThat(searchAll(mine.withText("%"))).as("no word, no match").isEmpty();
    assertThat(searchAll(mine.withText("_ -- '"))).isEmpty();
  }
}
