package dev.retrospect.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Query benchmark: loads the same checkout traces (1M spans by default) into each target in turn
 * through its normal ingest endpoint, re-sending any batch it rejected, then times, one request at
 * a time: a search for one customer's email, a search for server errors (5xx) in a 10-second
 * window, and a fetch of one trace by id. Each kind first runs a few untimed queries to warm up.
 */
public final class QueryBenchmark {
  private static final Set<String> OPTIONS = IngestBenchmark.union(BenchOptions.COMMON,
      Set.of("spans", "queries", "warmup", "load-timeout", "query-timeout"));
  /** A kind of query is given up after this many did not finish within the query timeout. */
  static final int UNFINISHED_BEFORE_GIVING_UP = 3;
  private static final long STEP_MICROS = 1000;
  private static final long WINDOW_MICROS = 10_000_000;

  /** @param word null when the target has no free-text search */
  record QueryReport(long storedSpans, double loadSeconds, long peakRssBytes,
      Timed email, Timed word, Timed errors, Timed trace, String counters) {}

  /** Latencies of one kind of query and what the answers held. */
  /**
   * @param nanos of the timed queries that ran (fewer than asked when the kind was given up)
   * @param unfinished queries, warm-up included, that got no answer within the query timeout
   */
  record Timed(long[] nanos, int complete, long results, int failed, String firstFailure, int unfinished) {
    LatencySummary summary() {
      return LatencySummary.ofNanos(nanos);
    }

    boolean gaveUp() {
      return unfinished >= UNFINISHED_BEFORE_GIVING_UP;
    }

    /** E.g. "12 / 200", or "0 / 2 (2 failed); 3 without an answer in time, warm-up included; gave up, 50 asked". */
    String completeOf(int asked) {
      return complete + " / " + nanos.length + (failed > 0 ? " (" + failed + " failed)" : "")
          + (unfinished > 0 ? "; " + unfinished + " without an answer in time, warm-up included" : "")
          + (gaveUp() ? "; gave up, " + asked + " asked" : "");
    }
  }

  public static void main(String[] args) throws IOException {
    BenchOptions options = new BenchOptions(args, OPTIONS);
    int spansPerRequest = options.integer("spans-per-request", 100);
    int tracesPerBatch = spansPerRequest / CheckoutTraceGenerator.SPANS_PER_TRACE;
    int batches = options.integer("spans", 1_000_000) / spansPerRequest;
    int connections = options.integer("connections", 8);
    int queries = options.integer("queries", 200);
    int warmup = options.integer("warmup", 20);
    Duration queryTimeout = options.seconds("query-timeout", 120);
    String runTag = Long.toString(System.currentTimeMillis() / 1000, 36);
    Path workDir = options.path("work-dir", "bench/target/query-" + runTag).toAbsolutePath();
    Files.createDirectories(workDir);
    long traces = (long) batches * tracesPerBatch;
    CheckoutTraceGenerator generator = new CheckoutTraceGenerator(runTag,
        System.currentTimeMillis() * 1000 - traces * STEP_MICROS - 60_000_000L, STEP_MICROS);

    System.out.println("# Query benchmark");
    System.out.println(Machine.describe());
    System.out.printf("%,d spans (%,d traces, one every %d µs) loaded over %d connections,"
        + " %d spans per request; %d timed queries of each kind after %d untimed; heap %s (Zipkin %s),"
        + " store %s; work dir %s%n", (long) batches * spansPerRequest, traces, STEP_MICROS,
        connections, spansPerRequest, queries, warmup, options.string("heap", "384m"),
        options.string("zipkin-heap", options.string("heap", "384m")),
        options.string("store", "embedded"), workDir);

    Map<String, QueryReport> reports = new LinkedHashMap<>();
    for (BenchTarget target : options.targets(workDir, runTag)) {
      System.out.printf("%n## %s%n", target.name());
      try (target) {
        target.start();
        target.queryTimeout(queryTimeout);
        long start = System.nanoTime();
        boolean[] acknowledged = load(target, generator, batches, tracesPerBatch, connections,
            options.seconds("load-timeout", 1800));
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        long stored = 0;
        for (boolean a : acknowledged) if (a) stored += spansPerRequest;
        System.out.printf("loaded %,d acknowledged spans in %.1f s (%,.0f spans/s); peak RSS %.0f MB%n",
            stored, loadSeconds, stored / loadSeconds,
            target.process().memory().peakResidentBytes() / 1048576.0);

        Random random = new Random(options.integer("seed", 42));
        IntUnaryOperator someTrace = i -> {
          int batch;
          do batch = random.nextInt(batches); while (!acknowledged[batch]);
          return batch * tracesPerBatch + random.nextInt(tracesPerBatch);
        };
        Timed email = time(warmup, queries, () -> {
          CheckoutTrace trace = generator.trace(someTrace.applyAsInt(0));
          return target.spansFoundByEmail(trace.email(), trace.traceId(), queryTimeout);
        }, CheckoutTraceGenerator.SPANS_PER_TRACE);
        // The email's first word alone is unique to its trace; the other two (example, com) are in
        // every span, so comparing the two searches shows what the common words cost.
        Timed word = !target.searchesWords() ? null : time(warmup, queries, () -> {
          CheckoutTrace trace = generator.trace(someTrace.applyAsInt(0));
          return target.spansFoundByWord(trace.email().substring(0, trace.email().indexOf('@')),
              trace.traceId());
        }, CheckoutTraceGenerator.SPANS_PER_TRACE);
        Timed errors = time(warmup, queries, () -> {
          long from = generator.startOf(random.nextInt((int) (traces - WINDOW_MICROS / STEP_MICROS)));
          return target.errorSpansIn(from, from + WINDOW_MICROS);
        }, 1);
        Timed trace = time(warmup, queries, () ->
            target.traceSpans(generator.trace(someTrace.applyAsInt(0)).traceId()),
            CheckoutTraceGenerator.SPANS_PER_TRACE);
        QueryReport report = new QueryReport(stored, loadSeconds,
            target.process().memory().peakResidentBytes(), email, word, errors, trace, target.counters());
        reports.put(target.name(), report);
        System.out.printf("email search: %s; found the whole trace %s%n", email.summary(), email.completeOf(queries));
        if (word != null) {
          System.out.printf("search for the email's first word only: %s; found the whole trace %s%n",
              word.summary(), word.completeOf(queries));
        }
        System.out.printf("5xx in a 10 s window: %s; %.1f spans per answer on average%s%n",
            errors.summary(), errors.results() / (double) Math.max(1, errors.nanos().length),
            errors.gaveUp() ? "; gave up after " + errors.unfinished() + " did not finish" : "");
        System.out.printf("trace fetch: %s; complete %s%n", trace.summary(), trace.completeOf(queries));
        System.out.printf("peak RSS %.0f MB; server counters: %s%n", report.peakRssBytes() / 1048576.0,
            report.counters());
      }
      IngestBenchmark.deleteRecursively(workDir.resolve("retrospect-data"));
    }

    System.out.println();
    System.out.println("## Side by side");
    System.out.println();
    new MarkdownTable<>(System.out, reports)
        .row("spans acknowledged when loading", r -> String.format("%,d", r.storedSpans()))
        .row("load rate (spans/s)", r -> String.format("%,.0f", r.storedSpans() / r.loadSeconds()))
        .row("email search p50 / p99 (ms)", r -> MarkdownTable.p50p99(r.email().summary()))
        .row("email search found whole trace", r -> r.email().completeOf(queries))
        .row("search by the email's unique word p50 / p99 (ms)",
            r -> r.word() == null ? "n/a" : MarkdownTable.p50p99(r.word().summary()))
        .row("5xx in 10 s window p50 / p99 (ms)", r -> MarkdownTable.p50p99(r.errors().summary()))
        .row("5xx spans per answer (avg)", r -> String.format("%.1f", r.errors().results()
            / (double) Math.max(1, r.errors().nanos().length)) + (r.errors().gaveUp() ? " (gave up)" : ""))
        .row("trace fetch p50 / p99 (ms)", r -> MarkdownTable.p50p99(r.trace().summary()))
        .row("trace fetch complete", r -> r.trace().completeOf(queries))
        .row("peak RSS (MB)", r -> String.format("%.0f", r.peakRssBytes() / 1048576.0));
  }

  /** Sends every batch, re-sending rejected ones (at most five rounds); returns which were acknowledged. */
  static boolean[] load(BenchTarget target, CheckoutTraceGenerator generator, int batches,
      int tracesPerBatch, int connections, Duration timeout) {
    boolean[] acknowledged = new boolean[batches];
    List<Integer> pending = new ArrayList<>();
    for (int b = 0; b < batches; b++) pending.add(b);
    for (int round = 0; round < 5 && !pending.isEmpty(); round++) {
      List<Integer> sending = pending;
      IngestLoad.Result result = IngestLoad.run(target.ingestUri(), target.contentType(),
          i -> target.encode(IngestBenchmark.batch(generator, sending.get(i), tracesPerBatch)),
          sending.size(), tracesPerBatch * CheckoutTraceGenerator.SPANS_PER_TRACE, connections, timeout);
      pending = new ArrayList<>();
      for (int i = 0; i < sending.size(); i++) {
        if (result.acknowledged(i)) acknowledged[sending.get(i)] = true;
        else pending.add(sending.get(i));
      }
      System.out.printf("load round %d: %,d requests acknowledged, %,d 429, %,d 503, %,d failed in %.1f s%s%n",
          round + 1, result.acknowledgedBatches(), result.count(429), result.count(503),
          result.failed(), result.seconds(), result.errors().isEmpty() ? "" : " " + result.errors());
    }
    return acknowledged;
  }

  interface Query {
    /** Runs one query; returns how many spans the answer held. */
    int run();
  }

  /**
   * @param completeAt an answer with at least this many spans counts as complete. After {@link
   *     #UNFINISHED_BEFORE_GIVING_UP} queries without an answer in time (warm-up included) the rest
   *     are not run, so a search the store cannot finish does not hold the benchmark for hours.
   */
  static Timed time(int warmup, int queries, Query query, int completeAt) {
    int unfinished = 0;
    for (int i = 0; i < warmup && unfinished < UNFINISHED_BEFORE_GIVING_UP; i++) {
      try {
        query.run();
      } catch (RuntimeException e) {
        // counted in the timed queries below, where it matters; only a timeout counts here
        if (timedOut(e)) unfinished++;
      }
    }
    List<Long> nanos = new ArrayList<>();
    int complete = 0;
    long results = 0;
    int failed = 0;
    String firstFailure = null;
    for (int i = 0; i < queries && unfinished < UNFINISHED_BEFORE_GIVING_UP; i++) {
      long start = System.nanoTime();
      try {
        int spans = query.run();
        results += spans;
        if (spans >= completeAt) complete++;
      } catch (RuntimeException e) {
        failed++;
        if (timedOut(e)) unfinished++;
        if (firstFailure == null) firstFailure = e.getMessage();
      }
      nanos.add(System.nanoTime() - start);
    }
    if (failed > 0) System.out.printf("%d queries failed, first: %s%n", failed, firstFailure);
    return new Timed(nanos.stream().mapToLong(Long::longValue).toArray(), complete, results, failed,
        firstFailure, unfinished);
  }

  private static boolean timedOut(RuntimeException e) {
    return e.getCause() instanceof java.net.http.HttpTimeoutException;
  }
}
