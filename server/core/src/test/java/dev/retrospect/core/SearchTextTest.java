package dev.retrospect.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchTextTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  @Test
  void wordsAreRunsOfLettersAndDigitsLowerCased() {
    assertThat(SearchText.words("Dale@GMail.com, order #42_b")).containsExactly("dale", "gmail", "com", "order", "42", "b");
    assertThat(SearchText.words("東京駅で 🍒 שלום")).containsExactly("東京駅で", "שלום");
    assertThat(SearchText.words("' OR 1=1 --")).containsExactly("or", "1", "1");
    assertThat(SearchText.words("%_-")).isEmpty();
  }

  @Test
  void everyQueryWordMustStartAWordOfTheSpan() {
    Span span = Span.builder().traceId(TRACE).spanId("b7ad6b7169203331").name("POST /checkout")
        .attribute("http.request.body", "{\"email\":\"dale@gmail.com\"}").build();

    assertThat(SearchText.matches(List.of("dale"), span)).isTrue();
    assertThat(SearchText.matches(List.of("dal", "gmail", "checkout"), span)).isTrue();
    assertThat(SearchText.matches(List.of("ale"), span)).isFalse();
    assertThat(SearchText.matches(List.of("dale", "ivan"), span)).isFalse();
    assertThat(SearchText.matches(List.of(), span)).isFalse();
  }

  @Test
  void searchableTextHasValuesButNotKeysResourcesOrBytes() {
    Span span = Span.builder().traceId(TRACE).spanId("b7ad6b7169203331").service("payment")
        .resourceAttributes(Map.of("host.name", AttributeValue.string("hostvalue")))
        .attributes(Map.of("keyword", AttributeValue.string("valueword"),
            "raw", new AttributeValue(ValueType.BYTES, "QUJD")))
        .events(List.of(new SpanEvent(1, "exception", Map.of("exception.message", AttributeValue.string("boom")))))
        .build();

    assertThat(SearchText.words(SearchText.of(span)))
        .contains("payment", "valueword", "exception", "boom")
        .doesNotContain("keyword", "hostvalue", "qujd");
  }
}
