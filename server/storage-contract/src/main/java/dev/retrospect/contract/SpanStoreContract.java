package dev.retrospect.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanEvent;
import dev.retrospect.core.SpanKind;
import dev.retrospect.core.SpanLink;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.StatusCode;
import dev.retrospect.core.ValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Writing spans and reading traces.
 *
 * <ul>
 *   <li>A span is identified by (traceId, spanId): written again, in the same call or a later one,
 *       it is stored once.
 *   <li>A span is returned exactly as written (every field, attribute values byte for byte with
 *       their types), except that sessionId and chapterId may be filled in by linking.
 *   <li>{@code trace(id)} returns every span of the trace ordered by start time (ties in any
 *       order), whatever order they arrived in; an unknown trace gives an empty list.
 *   <li>{@code traceBytes(id)} is at least the text of the trace's spans, each counted with its
 *       resource attributes, and not far above it (no more than twice); 0 for an unknown trace.
 *   <li>{@code services(limit)} lists every service that wrote a span, sorted, once each, up to
 *       the limit: the first names.
 * </ul>
 */
public abstract class SpanStoreContract extends StorageContract {

  @Test
  void sameSpanTwiceInOneWriteIsStoredOnce() {
    Span span = TestData.span(TestData.service("dup"), TestData.windowStart()).build();

    write(span, span);

    assertThat(storage().trace(span.traceId())).containsExactly(span);
  }

  @Test
  void sameSpanWrittenAgainLaterIsStoredOnce() {
    String word = TestData.word("retry");
    Span span = TestData.span(TestData.service("dup"), TestData.windowStart()).name("GET " + word).build();

    write(span);
    write(span);
    write(List.of(span, span));

    assertThat(storage().trace(span.traceId())).containsExactly(span);
    assertThat(searchAll(SpanQuery.all().withText(word))).containsExactly(span);
  }

  @Test
  void childrenWrittenBeforeTheirParentsMakeOneTrace() {
    long start = TestData.windowStart();
    String service = TestData.service("order");
    Span root = TestData.span(service, start).durationMicros(10_000).build();
    Span child = TestData.span(service, start + 1_000).traceId(root.traceId()).parentSpanId(root.spanId()).build();
    Span grandchild =
        TestData.span(service, start + 2_000).traceId(root.traceId()).parentSpanId(child.spanId()).build();

    write(grandchild);
    write(child);
    write(root);

    assertThat(storage().trace(root.traceId())).containsExactly(root, child, grandchild);
  }

  @Test
  void traceOfTenThousandSpansIsReturnedWholeInStartOrder() {
    long start = TestData.windowStart();
    String service = TestData.service("big");
    Span root = TestData.span(service, start).durationMicros(20_000_000).build();
    List<Span> spans = new ArrayList<>(List.of(root));
    for (int i = 1; i < 10_000; i++) {
      spans.add(
          TestData.span(service, start + (i * 37L) % 9_973 * 1_000)
              .traceId(root.traceId())
              .parentSpanId(root.spanId())
              .name("SELECT item " + i)
              .build());
    }
    List<Span> shuffled = new ArrayList<>(spans);
    Collections.shuffle(shuffled);
    for (int i = 0; i < shuffled.size(); i += 1_000) write(shuffled.subList(i, i + 1_000));

    List<Span> trace = storage().trace(root.traceId());

    assertThat(trace).hasSize(10_000).containsExactlyInAnyOrderElementsOf(spans);
    assertThat(trace).isSortedAccordingTo(Comparator.comparingLong(Span::startMicros));
  }

  @Test
  void everyFieldOfASpanIsReturnedAsWritten() {
    String service = TestData.service("full");
    Span parent = TestData.span(service, TestData.windowStart()).build();
    Span span =
        Span.builder()
            .traceId(parent.traceId())
            .spanId(TestData.spanId())
            .parentSpanId(parent.spanId())
            .service(service)
            .name("POST /api/checkout")
            .kind(SpanKind.CLIENT)
            .startMicros(parent.startMicros() + 123)
            .durationMicros(5_012_345)
            .status(StatusCode.ERROR, "payment timed out")
            .resourceAttributes(
                Map.of(
                    "service.name", AttributeValue.string(service),
                    "telemetry.sdk.language", AttributeValue.string("java"),
                    "process.pid", AttributeValue.integer(4242)))
            .attributes(
                Map.of(
                    "http.request.method", AttributeValue.string("POST"),
                    "http.response.status_code", AttributeValue.integer(503),
                    "retry", AttributeValue.bool(true),
                    "ratio", AttributeValue.dbl(0.125),
                    "huge.int", AttributeValue.integer(Long.MAX_VALUE),
                    "tags", new AttributeValue(ValueType.ARRAY, "[\"a\",1,true]"),
                    "map", new AttributeValue(ValueType.KVLIST, "{\"k\":\"v\"}"),
                    "raw", new AttributeValue(ValueType.BYTES, "AAEC/w==")))
            .events(
                List.of(
                    new SpanEvent(
                        parent.startMicros() + 200,
                        "exception",
                        Map.of(
                            "exception.type", AttributeValue.string("java.net.SocketTimeoutException"),
                            "exception.message", AttributeValue.string("Read timed out")))))
            .links(List.of(new SpanLink(TestData.traceId(), TestData.spanId(), Map.of("why", AttributeValue.string("retry-of")))))
            .build();

    write(parent, span);

    List<Span> trace = storage().trace(span.traceId());
    assertThat(trace).containsExactly(parent, span);
    Span read = trace.get(1);
    assertThat(read.httpStatus()).isEqualTo(503);
    assertThat(read.attributes().get("retry")).isEqualTo(AttributeValue.bool(true));
    assertThat(read.attributes().get("ratio")).isEqualTo(AttributeValue.dbl(0.125));
    assertThat(read.attributes().get("huge.int")).isEqualTo(AttributeValue.integer(Long.MAX_VALUE));
    assertThat(read.attributes().get("tags").type()).isEqualTo(ValueType.ARRAY);
  }

  @Test
  void hugeUnicodeEmptyAndOddAttributeValuesAreStoredExactly() {
    Map<String, AttributeValue> attributes = new LinkedHashMap<>();
    attributes.put("huge", AttributeValue.string("x".repeat(1_048_576)));
    attributes.put("emoji", AttributeValue.string("checkout 🍒🛒 done 👍🏽"));
    attributes.put("cjk", AttributeValue.string("東京駅で買い物"));
    attributes.put("rtl", AttributeValue.string("שלום עולם مرحبا"));
    attributes.put("empty", AttributeValue.string(""));
    attributes.put("quotes", AttributeValue.string("it's \"quoted\" `back` \\ slash"));
    attributes.put("like", AttributeValue.string("100% of _all_ [a-z]*"));
    attributes.put("sql", AttributeValue.string("' OR 1=1 --; DROP TABLE spans;"));
    attributes.put("control", AttributeValue.string("tab\tnew\nline\rbell\u0007esc\u001b end"));
    attributes.put("surrogate.edge", AttributeValue.string("\uD83D\uDE00"));
    attributes.put("", AttributeValue.string("empty key"));
    attributes.put("key with spaces & ünïcode", AttributeValue.string("v"));
    Span span =
        TestData.span(TestData.service("odd"), TestData.windowStart())
            .name("名前 with 'quotes' and %_")
            .attributes(attributes)
            .build();

    write(span);

    assertThat(storage().trace(span.traceId())).containsExactly(span);
  }

  @Test
  void traceBytesCountsEachSpanWithItsResourceAttributes() {
    long start = TestData.windowStart();
    String service = TestData.service("sized");
    // One resource of about 2 KB shared by every span, as the spans of one process share theirs.
    Map<String, AttributeValue> resource = Map.of(
        "service.name", AttributeValue.string(service), "process.command_line", AttributeValue.string("java ".repeat(400)));
    String traceId = TestData.traceId();
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      spans.add(TestData.span(service, start + i).traceId(traceId).resourceAttributes(resource)
          .attribute("http.response.body", ("span " + i + " ").repeat(2_000).substring(0, 10_000)).build());
    }
    long text = 20 * (10_000 + 2_000);

    write(spans);
    write(TestData.span(service, start).resourceAttributes(resource).attribute("other", "x".repeat(100_000)).build());

    long bytes = storage().traceBytes(traceId);
    assertThat(bytes).as("stored bytes of the trace").isBetween((long) text, 2L * text);
    write(TestData.span(service, start + 100).traceId(traceId).attribute("late", "y".repeat(50_000)).build());
    assertThat(storage().traceBytes(traceId)).as("after one more span of 50 KB").isGreaterThanOrEqualTo(bytes + 50_000);
    assertThat(storage().traceBytes(TestData.traceId())).as("an unknown trace").isZero();
  }

  @Test
  void servicesListsEveryServiceOnceSorted() {
    String a = TestData.service("svc-b");
    String b = TestData.service("svc-a");
    long start = TestData.windowStart();

    write(TestData.span(a, start).build(), TestData.span(b, start).build(), TestData.span(a, start + 1).build());

    List<String> services = storage().services(1_000);
    assertThat(services).contains(a, b).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void servicesGivesTheFirstNamesUpToTheLimit() {
    long start = TestData.windowStart();
    for (int i = 0; i < 5; i++) write(TestData.span(TestData.service("svc-limit-" + i), start + i).build());
    List<String> all = storage().services(100_000);
    assertThat(storage().services(3)).containsExactlyElementsOf(all.subList(0, 3));
    assertThat(storage().services(all.size() + 1)).containsExactlyElementsOf(all);
  }

  @Test
  void unknownTraceIsEmpty() {
    assertThat(storage().trace(TestData.traceId())).isEmpty();
  }
}
