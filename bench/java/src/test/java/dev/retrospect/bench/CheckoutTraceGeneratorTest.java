package dev.retrospect.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckoutTraceGeneratorTest {
  private final CheckoutTraceGenerator generator = new CheckoutTraceGenerator("run1", 1_764_150_000_000_000L, 100);

  @Test
  void checkoutIsApiRootWithFourChildServices() {
    CheckoutTrace trace = generator.trace(7);

    assertThat(trace.spans()).hasSize(5);
    LogicalSpan root = trace.spans().get(0);
    assertThat(root.service()).isEqualTo("api");
    assertThat(root.parentSpanId()).isNull();
    assertThat(trace.spans().subList(1, 5)).extracting(LogicalSpan::service)
        .containsExactly("authenticate", "inventory", "payment", "shipping");
    assertThat(trace.spans().subList(1, 5)).allSatisfy(child -> {
      assertThat(child.parentSpanId()).isEqualTo(root.spanId());
      assertThat(child.traceId()).isEqualTo(trace.traceId());
      assertThat(child.startMicros()).isBetween(root.startMicros(), root.startMicros() + root.durationMicros());
    });
    assertThat(trace.traceId()).matches("[0-9a-f]{32}");
  }

  @Test
  void everySpanHasEightAttributesAndABodyOfAboutThreeHundredBytesWithTheEmail() {
    CheckoutTrace trace = generator.trace(3);

    assertThat(trace.spans()).allSatisfy(span -> {
      assertThat(span.attributes()).hasSize(8)
          .containsKeys("http.request.method", "url.full", "http.route", "http.response.status_code",
              "user.id", "user.email", "http.request.body");
      String body = (String) span.attributes().get("http.request.body");
      assertThat(body.length()).isBetween(280, 360);
      assertThat(body).contains("\"email\":\"" + trace.email() + "\"");
    });
  }

  @Test
  void emailsAndIdsAreUniquePerTraceAndStableForAnIndex() {
    Set<String> emails = new HashSet<>();
    Set<String> traceIds = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      CheckoutTrace trace = generator.trace(i);
      emails.add(trace.email());
      traceIds.add(trace.traceId());
    }
    assertThat(emails).hasSize(10_000);
    assertThat(traceIds).hasSize(10_000);
    assertThat(generator.trace(42)).isEqualTo(generator.trace(42));
    assertThat(new CheckoutTraceGenerator("run2", 0, 100).trace(42).email())
        .isNotEqualTo(generator.trace(42).email());
  }

  @Test
  void aFewCheckoutsFailWithServerOrClientErrors() {
    int serverErrors = 0;
    int clientErrors = 0;
    for (int i = 0; i < 10_000; i++) {
      int status = generator.trace(i).spans().get(0).httpStatus();
      if (status == 503) serverErrors++;
      if (status == 400) clientErrors++;
    }
    assertThat(serverErrors).isBetween(50, 150);
    assertThat(clientErrors).isBetween(120, 280);
  }
}
