package dev.retrospect.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.retrospect.core.InvalidInputException;
import dev.retrospect.core.ReplayBatch;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplayBatchDecoderTest {
  static final String SESSION = "5e55105e55105e55105e55105e55105e";
  static final String CHAPTER = "c4a97e12c4a97e12c4a97e12c4a97e12";

  @Test
  void timesBecomeMicrosecondsAndEventsAreKeptInTimeOrderCompressed() throws Exception {
    ReplayBatch batch = decode("""
        {"sessionId": "%s", "sequence": 3, "service": "shop-web",
         "session": {"userAgent": "UA", "entryUrl": "http://shop/", "userEmail": "ivan@gmail.com"},
         "events": [{"type": 3, "data": {"source": 2}, "timestamp": 1764150000500.5},
                    {"type": 4, "data": {}, "timestamp": 1764150000000},
                    {"type": 2, "data": {}, "timestamp": 1764150000001}],
         "chapters": [{"chapterId": "%s", "sequence": 0, "traceId": null, "firstEventTime": 1764150000000,
                       "requestTime": 1764150004000, "method": "POST", "url": "http://shop/api", "status": 400,
                       "duration": 35, "error": null}],
         "errorCount": 1}
        """.formatted(SESSION, CHAPTER));

    assertThat(batch.sequence()).isEqualTo(3);
    assertThat(batch.firstEventMicros()).isEqualTo(1_764_150_000_000_000L);
    assertThat(batch.lastEventMicros()).isEqualTo(1_764_150_000_500_500L);
    assertThat(batch.fullSnapshotMicros()).containsExactly(1_764_150_000_001_000L);
    assertThat(batch.eventCount()).isEqualTo(3);
    assertThat(batch.errorCount()).isEqualTo(1);
    assertThat(batch.session().userEmail()).isEqualTo("ivan@gmail.com");
    assertThat(batch.session().service()).isEqualTo("shop-web");
    assertThat(batch.chapters()).singleElement().satisfies(c -> {
      assertThat(c.requestMicros()).isEqualTo(1_764_150_004_000_000L);
      assertThat(c.durationMicros()).isEqualTo(35_000L);
      assertThat(c.responseStatus()).isEqualTo(400);
    });
    var events = new ObjectMapper().readTree(BoundedGunzip.gunzip(batch.events(), 1 << 20));
    assertThat(events).extracting(e -> e.get("type").asInt()).containsExactly(4, 2, 3);
  }

  @Test
  void malformedBatchesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> decode("{\"sessionId\": \"abc\", \"sequence\": 0, \"events\": []}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("sessionId must be 32 hex characters");
    assertThatThrownBy(() -> decode("{\"sessionId\": \"%s\", \"sequence\": -1, \"events\": []}".formatted(SESSION)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("sequence must be a whole number");
    assertThatThrownBy(() -> decode("{\"sessionId\": \"%s\", \"sequence\": 0, \"events\": [{\"type\": 2}]}".formatted(SESSION)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("events[0].timestamp");
    assertThatThrownBy(() -> decode("{\"sessionId\": \"%s\", \"sequence\": 0, \"events\": []}".formatted(SESSION)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one event or chapter");
    assertThatThrownBy(() -> decode("not json"))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("body is not valid JSON");
  }

  private static ReplayBatch decode(String json) {
    return ReplayBatchDecoder.decode(json.getBytes(StandardCharsets.UTF_8));
  }
}
