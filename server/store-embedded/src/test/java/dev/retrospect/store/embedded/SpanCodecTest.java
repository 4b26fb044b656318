package dev.retrospect.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrospect.contract.TestData;
import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanEvent;
import dev.retrospect.core.SpanLink;
import dev.retrospect.core.StatusCode;
import dev.retrospect.core.ValueType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpanCodecTest {
  @Test
  void aStoredSpanReadsBackEqualWithEveryFieldAndValueType() throws Exception {
    Map<String, AttributeValue> attributes =
        Map.of(
            "s", AttributeValue.string("Zoë ✓ \"quoted\" \u0000 𝄞"),
            "i", AttributeValue.integer(-42),
            "b", AttributeValue.bool(true),
            "d", AttributeValue.dbl(0.1),
            "a", new AttributeValue(ValueType.ARRAY, "[1,\"x\"]"),
            "k", new AttributeValue(ValueType.KVLIST, "{\"a\":1}"),
            "y", new AttributeValue(ValueType.BYTES, "AAE="),
            "empty", AttributeValue.string(""),
            "http.response.status_code", AttributeValue.integer(503));
    Span span =
        TestData.span("checkout", 1_764_150_000_123_456L)
            .parentSpanId(TestData.spanId())
            .durationMicros(123_456_789L)
            .status(StatusCode.ERROR, "payment declined")
            .resourceAttributes(Map.of("service.name", AttributeValue.string("checkout")))
            .attributes(attributes)
            .events(List.of(new SpanEvent(-5, "exception", Map.of("exception.message", AttributeValue.string("boom")))))
            .links(List.of(new SpanLink(TestData.traceId(), TestData.spanId(), Map.of())))
            .attribute("session.id", TestData.sessionId())
            .build();

    assertThat(SpanCodec.decode(SpanCodec.encode(span), 0, id -> Map.of())).isEqualTo(span);
    Span bare = TestData.span("api", 0).build();
    assertThat(SpanCodec.decode(SpanCodec.encode(bare), 0, id -> Map.of())).isEqualTo(bare);

    // Format 2: the resource kept apart, found again by the row's resource id.
    byte[] shared = SpanCodec.encode(span, false);
    assertThat(shared[0]).isEqualTo(SpanCodec.SHARED_RESOURCE);
    assertThat(shared.length).isLessThan(SpanCodec.encode(span).length);
    byte[] resource = SpanCodec.encodeAttributes(span.resourceAttributes());
    assertThat(SpanCodec.decode(shared, 7, id -> id == 7 ? SpanCodec.decodeAttributes(resource) : Map.of()))
        .isEqualTo(span);
  }
}
