package dev.retrospect.store.embedded;

import dev.retrospect.core.AttributeValue;
import dev.retrospect.core.Page;
import dev.retrospect.core.Span;
import dev.retrospect.core.SpanKind;
import dev.retrospect.core.SpanQuery;
import dev.retrospect.core.StatusCode;
import dev.retrospect.core.StorageOverloadedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A quick guide for the schema, not a test: writes checkout-like traces straight into the store
 * from 8 threads in batches of 100 spans, then times searches for one email and trace fetches.
 * The project's real benchmarks (through the server) live in bench/.
 *
 * <p>Run: {@code mvn -q -pl server/store-embedded -am test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.retrospect.store.embedded.SqliteStorageBenchmark
 * -Dexec.args="200000 /tmp/retrospect-bench"} (spans, data directory, which is emptied; a third
 * argument {@code query-only} reuses the data there, a fourth sets the batch size).
 */
public final class SqliteStorageBenchmark {
  private static int batchSize;
  private static final String[] SERVICES = {"api", "authenticate", "inventory", "payment", "shipping"};

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Path dir = Path.of(args.length > 1 ? args[1] : "target/benchmark-data");
    boolean queryOnly = args.length > 2 && args[2].equals("query-only");
    batchSize = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    if (Files.exists(dir) && !queryOnly) {
      try (var files = Files.walk(dir)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
    long base = 1_764_150_000_000_000L;
    int traces = total / 5;
    try (SqliteStorage storage = SqliteStorage.open(dir)) {
      int perThread = traces / 8;
      if (!queryOnly) ingest(storage, perThread, base);
      query(storage, perThread);
      System.out.printf("database: %.0f MB; RSS %s%n", Files.size(storage.file()) / 1e6, rss());
    }
  }

  private static void ingest(SqliteStorage storage, int perThread, long base) throws Exception {
    AtomicLong retries = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long cpuBefore = processCpuNanos();
    long started = System.nanoTime();
    List<Future<?>> jobs = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int firstTrace = t * perThread;
      jobs.add(pool.submit(() -> {
        List<Span> batch = new ArrayList<>(batchSize);
        for (int i = firstTrace; i < firstTrace + perThread; i++) {
          batch.addAll(trace(i, base + i * 2_000L));
          if (batch.size() >= batchSize) {
            writeRetrying(storage, batch, retries);
            batch = new ArrayList<>(batchSize);
          }
        }
        if (!batch.isEmpty()) writeRetrying(storage, batch, retries);
        return null;
      }));
    }
    for (Future<?> f : jobs) f.get();
    double seconds = (System.nanoTime() - started) / 1e9;
    int spans = perThread * 8 * 5;
    System.out.printf(
        "ingest: %d spans in %.1f s = %.0f spans/s (%d overloaded retries); process CPU %.1f us/span"
            + " (span generation included), writer thread CPU %.1f us/span%n",
        spans, seconds, spans / seconds, retries.get(), (processCpuNanos() - cpuBefore) / 1e3 / spans,
        writerCpuNanos() / 1e3 / spans);
    pool.shutdown();
  }

  private static void query(SqliteStorage storage, int perThread) {
    // 20 untimed rounds first: class loading, JIT and the first page reads are not what is measured.
    for (int i = 0; i < 20; i++) {
      int trace = ThreadLocalRandom.current().nextInt(perThread * 8);
      storage.trace(storage.searchSpans(SpanQuery.all().withText(email(trace))).items().get(0).traceId());
    }
    long[] search = new long[100];
    long[] fetch = new long[100];
    for (int i = 0; i < 100; i++) {
      int trace = ThreadLocalRandom.current().nextInt(perThread * 8);
      long t0 = System.nanoTime();
      Page<Span> page = storage.searchSpans(SpanQuery.all().withText(email(trace)));
      search[i] = System.nanoTime() - t0;
      if (page.items().size() != 1) throw new AssertionError("search found " + page.items().size());
      t0 = System.nanoTime();
      List<Span> spans = storage.trace(page.items().get(0).traceId());
      fetch[i] = System.nanoTime() - t0;
      if (spans.size() != 5) throw new AssertionError("trace has " + spans.size());
    }
    report("search by email", search);
    report("trace fetch", fetch);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long writerCpuNanos() {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (long id : threads.getAllThreadIds()) {
      var info = threads.getThreadInfo(id);
      if (info != null && info.getThreadName().equals("retrospect-sqlite-writer")) return threads.getThreadCpuTime(id);
    }
    return -1;
  }

  private static void writeRetrying(SqliteStorage storage, List<Span> batch, AtomicLong retries) throws InterruptedException {
    while (true) {
      try {
        storage.writeSpans(batch).join();
        return;
      } catch (CompletionException e) {
        if (!(e.getCause() instanceof StorageOverloadedException)) throw e;
        retries.incrementAndGet();
        Thread.sleep(5);
      }
    }
  }

  private static String email(int trace) {
    return "user" + trace + "x@gmail.com";
  }

  /** api → authenticate, inventory, payment, shipping; the api span carries the request body. */
  private static List<Span> trace(int n, long start) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String traceId = String.format("%016x%016x", r.nextLong() | 1, r.nextLong());
    String rootId = String.format("%016x", r.nextLong() | 1);
    List<Span> spans = new ArrayList<>(5);
    for (int i = 0; i < 5; i++) {
      Map<String, AttributeValue> attributes = new HashMap<>();
      attributes.put("http.request.method", AttributeValue.string(i == 0 ? "POST" : "GET"));
      attributes.put("http.response.status_code", AttributeValue.integer(n % 50 == 0 ? 503 : 200));
      attributes.put("url.full", AttributeValue.string("http://" + SERVICES[i] + ":8080/api/" + SERVICES[i] + "/" + n));
      attributes.put("http.route", AttributeValue.string("/api/" + SERVICES[i] + "/:id"));
      attributes.put("server.address", AttributeValue.string(SERVICES[i]));
      attributes.put("server.port", AttributeValue.integer(8080));
      attributes.put("user_agent.original", AttributeValue.string("Mozilla/5.0 (X11; Linux x86_64)"));
      attributes.put("network.protocol.version", AttributeValue.string("1.1"));
      if (i == 0) {
        attributes.put("http.request.body", AttributeValue.string(
            "{\"email\":\"" + email(n) + "\",\"items\":[{\"sku\":\"cherries-500g\",\"qty\":2,\"price\":4.99},"
                + "{\"sku\":\"apples-1kg\",\"qty\":1,\"price\":3.49}],\"address\":{\"street\":\"12 Orchard Lane\","
                + "\"city\":\"Springfield\",\"zip\":\"12345\"},\"shipping\":\"express\",\"coupon\":null,"
                + "\"note\":\"leave at the door\"}"));
      }
      spans.add(Span.builder()
          .traceId(traceId)
          .spanId(i == 0 ? rootId : String.format("%016x", r.nextLong() | 1))
          .parentSpanId(i == 0 ? null : rootId)
          .service(SERVICES[i])
          .name((i == 0 ? "POST" : "GET") + " /api/" + SERVICES[i])
          .kind(i == 0 ? SpanKind.SERVER : SpanKind.CLIENT)
          .startMicros(start + i * 100L)
          .durationMicros(1_000L + r.nextInt(50_000))
          .status(n % 50 == 0 ? StatusCode.ERROR : StatusCode.UNSET, "")
          .resourceAttributes(Map.of("service.name", AttributeValue.string(SERVICES[i]),
              "telemetry.sdk.language", AttributeValue.string("java")))
          .attributes(attributes)
          .build());
    }
    return spans;
  }

  private static void report(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf("%s: p50 %.2f ms, p99 %.2f ms%n", what, sorted[sorted.length / 2] / 1e6,
        sorted[sorted.length * 99 / 100] / 1e6);
  }

  private static String rss() throws Exception {
    return Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM")).map(l -> l.replaceAll("\\s+", " "))
        .reduce((a, b) -> a + ", " + b).orElse("?");
  }
}
