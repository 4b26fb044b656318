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
  void aStoredSpanReadsBackEqualWithEveryFieldAndValueType() {
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

    assertThat(SpanCodec.decode(SpanCodec.encode(span))).isEqualTo(span);
    Span bare = TestData.span("api", 0).build();
    assertThat(SpanCodec.decode(SpanCodec.encode(bare))).isEqualTo(bare);
  }
}
