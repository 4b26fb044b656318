package dev.retrospect.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SpanNormalizationTest {
  static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  static final String SPAN = "b7ad6b7169203331";

  @Test
  void oldHttpAttributeNamesAreRenamedAndStatusPulledOut() {
    Span span =
        Span.builder().traceId(TRACE.toUpperCase()).spanId(SPAN).name("GET /x")
            .attributes(Map.of(
                "http.method", AttributeValue.string("GET"),
                "http.status_code", AttributeValue.integer(503),
                "http.url", AttributeValue.string("http://shop/x")))
            .build();

    assertThat(span.traceId()).isEqualTo(TRACE);
    assertThat(span.attributes()).containsOnlyKeys("http.request.method", "http.response.status_code", "url.full");
    assertThat(span.httpStatus()).isEqualTo(503);
    assertThat(span.isError()).isTrue();
  }

  @Test
  void currentNameWinsWhenBothAreSent() {
    Span span =
        Span.builder().traceId(TRACE).spanId(SPAN)
            .attributes(Map.of(
                "http.status_code", AttributeValue.integer(500),
                "http.response.status_code", AttributeValue.integer(200)))
            .build();

    assertThat(span.httpStatus()).isEqualTo(200);
  }

  @Test
  void sessionAndChapterComeFromBaggageAttributesWhenValid() {
    String session = "11111111111111111111111111111111";
    Span linked = Span.builder().traceId(TRACE).spanId(SPAN)
        .attribute("session.id", session).attribute("retrospect.chapter.id", "not-an-id").build();

    assertThat(linked.sessionId()).isEqualTo(session);
    assertThat(linked.chapterId()).isNull();
  }

  @Test
  void serviceComesFromResourceWhenNotSet() {
    Span span = Span.builder().traceId(TRACE).spanId(SPAN)
        .resourceAttributes(Map.of("service.name", AttributeValue.string("inventory"))).build();

    assertThat(span.service()).isEqualTo("inventory");
  }

  @Test
  void invalidIdsAreRefusedWithTheFieldAndValue() {
    assertThatThrownBy(() -> Span.builder().traceId("abc").spanId(SPAN).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("traceId must be 32 hex characters, not all zero, got \"abc\"");
    assertThatThrownBy(() -> Span.builder().traceId("0".repeat(32)).spanId(SPAN).build())
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void statusFilterParsesCodeClassAndError() {
    assertThat(StatusFilter.parse("503")).isEqualTo(new StatusFilter(StatusFilter.Kind.CODE, 503));
    assertThat(StatusFilter.parse("5xx")).isEqualTo(new StatusFilter(StatusFilter.Kind.CLASS, 5));
    assertThat(StatusFilter.parse("ERROR")).isEqualTo(StatusFilter.ERROR);
    assertThat(StatusFilter.parse("")).isNull();
    assertThatThrownBy(() -> StatusFilter.parse("5x")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> StatusFilter.parse("' OR 1=1 --")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void spansOfOneResourceShareOneFrozenMap() {
    Map<String, AttributeValue> resource = Attributes.copyOf(SemanticConventions.normalize(
        Map.of("service.name", AttributeValue.string("api"), "http.host", AttributeValue.string("shop"))));
    Span first = Span.builder().traceId(TRACE).spanId(SPAN).resourceAttributes(resource).build();
    Span second = Span.builder().traceId(TRACE).spanId("b7ad6b7169203332").resourceAttributes(resource).build();

    assertThat(resource).containsOnlyKeys("server.address", "service.name");
    assertThat(first.resourceAttributes()).isSameAs(resource);
    assertThat(second.resourceAttributes()).isSameAs(resource);
    assertThatThrownBy(() -> resource.put("x", AttributeValue.string("y")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aMapTheCallerKeepsIsCopiedSoLaterChangesDoNotReachTheSpan() {
    Map<String, AttributeValue> mutable = new java.util.TreeMap<>(Map.of("user.id", AttributeValue.string("u1")));
    Span span = Span.builder().traceId(TRACE).spanId(SPAN).attributes(mutable).build();
    mutable.put("user.id", AttributeValue.string("changed"));

    assertThat(span.attribute("user.id")).isEqualTo("u1");
  }
}
