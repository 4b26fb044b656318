package dev.retrospect.store.embedded;

import dev.retrospect.contract.TestData;
import dev.retrospect.core.Span;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process for the kill -9 test: writes batches of spans as fast as it can and prints the
 * trace id of each batch once its write is acknowledged, until it is killed.
 */
public final class AcknowledgingWriter {
  public static void main(String[] args) {
    SqliteStorage storage = SqliteStorage.open(Path.of(args[0]));
    long start = TestData.windowStart();
    for (int batch = 0; ; batch++) {
      String traceId = TestData.traceId();
      List<Span> spans = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        spans.add(TestData.span("durable", start + batch * 1_000L + i).traceId(traceId).build());
      }
      storage.writeSpans(spans).join();
      System.out.println(traceId);
      System.out.flush();
    }
  }
}
