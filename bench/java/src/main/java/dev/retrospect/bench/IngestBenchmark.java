package dev.retrospect.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Ingest benchmark: the same pre-built checkout traces are posted to each target in turn (never
 * two at once), each started fresh as a child process with the same heap, connections and time
 * limit. Afterwards it counts what each actually stored by fetching randomly sampled acknowledged
 * traces by id, times looking some of them up by their customer's email, and prints the figures
 * side by side.
 */
public final class IngestBenchmark {
  private static final Set<String> OPTIONS = union(BenchOptions.COMMON,
      Set.of("duration", "max-spans", "samples", "email-samples", "lookup-timeout", "settle",
          "recount-after"));

  public static void main(String[] args) throws IOException {
    BenchOptions options = new BenchOptions(args, OPTIONS);
    int spansPerRequest = options.integer("spans-per-request", 100);
    if (spansPerRequest % CheckoutTraceGenerator.SPANS_PER_TRACE != 0) {
      throw new IllegalArgumentException("--spans-per-request must be a multiple of 5");
    }
    int tracesPerBatch = spansPerRequest / CheckoutTraceGenerator.SPANS_PER_TRACE;
    int batches = options.integer("max-spans", 2_000_000) / spansPerRequest;
    int connections = options.integer("connections", 8);
    Duration duration = options.seconds("duration", 60);
    int samples = options.integer("samples", 200);
    int emailSamples = options.integer("email-samples", 20);
    Duration lookupTimeout = options.seconds("lookup-timeout", 30);
    Duration recountAfter = options.seconds("recount-after", 0);
    Duration settle = options.seconds("settle", 5);
    String runTag = Long.toString(System.currentTimeMillis() / 1000, 36);
    Path workDir = options.path("work-dir", "bench/target/ingest-" + runTag).toAbsolutePath();
    Files.createDirectories(workDir);
    // Traces start 100 µs apart and all lie in the recent past, so default query windows hold them.
    long step = 100;
    CheckoutTraceGenerator generator = new CheckoutTraceGenerator(runTag,
        System.currentTimeMillis() * 1000 - (long) batches * tracesPerBatch * step - 60_000_000L, step);

    System.out.println("# Ingest benchmark");
    System.out.println(Machine.describe());
    System.out.printf("%d connections, %d spans per request (%d traces of 5), at most %s or %,d spans,"
        + " heap %s (Zipkin %s), store %s, %d traces sampled by id, %d of them by email"
        + " (at most %s each); work dir %s%n", connections,
        spansPerRequest, tracesPerBatch, duration, (long) batches * spansPerRequest,
        options.string("heap", "384m"), options.string("zipkin-heap", options.string("heap", "384m")),
        options.string("store", "embedded"), samples, emailSamples, lookupTimeout, workDir);

    Map<String, IngestReport> reports = new LinkedHashMap<>();
    for (BenchTarget target : options.targets(workDir, runTag)) {
      System.out.printf("%n## %s: pre-building %,d request bodies...%n", target.name(), batches);
      byte[][] bodies = new byte[batches][];
      IntStream.range(0, batches).parallel().forEach(b ->
          bodies[b] = target.encode(batch(generator, b, tracesPerBatch)));
      long bytes = 0;
      for (byte[] body : bodies) bytes += body.length;
      System.out.printf("%,d bodies, %.1f MB, %.0f bytes per span%n", batches, bytes / 1e6,
          bytes / (double) batches / spansPerRequest);
      try (target) {
        target.start();
        System.out.printf("started pid %d; %s; posting for up to %s...%n", target.process().pid(),
            Machine.loadAverage(), duration);
        double cpuBefore = target.process().cpu().seconds();
        long loadStart = System.nanoTime();
        IngestLoad.Result load = IngestLoad.run(target.ingestUri(), target.contentType(),
            b -> bodies[b], batches, spansPerRequest, connections, duration);
        double cpuSeconds = target.process().cpu().seconds() - cpuBefore;
        ProcessMemory memory = target.process().memory();
        long peak = memory.peakResidentBytes();
        long end = memory.residentBytes();
        boolean alive = target.process().isAlive();
        System.out.println("after the load: " + Machine.loadAverage());
        System.out.printf("sent %,d requests in %.1f s: %,d acknowledged, %,d 429, %,d 503, %,d failed%s%n",
            load.sent(), load.seconds(), load.acknowledgedBatches(), load.count(429), load.count(503),
            load.failed(), load.errors().isEmpty() ? "" : " " + load.errors());
        ServerProcess.sleep(settle.toMillis());
        if (alive) {
          // A server that acknowledges before it writes is still writing now: this shows it.
          System.out.printf("server CPU time in the %d s after the load: %.1f s%n", settle.toSeconds(),
              target.process().cpu().seconds() - cpuBefore - cpuSeconds);
        }
        List<CheckoutTrace> sampled = sampleTraces(generator, load, tracesPerBatch, samples,
            new Random(options.integer("seed", 42)));
        // By id first: a search that the store cannot finish must not slow the count of what it holds.
        StoredSample stored = alive ? countStored(target, sampled) : StoredSample.NONE;
        EmailLookups lookups = alive ? lookUpByEmail(target,
            sampled.subList(0, Math.min(emailSamples, sampled.size())), lookupTimeout) : EmailLookups.NONE;
        String counters = alive ? target.counters() : "process died";
        IngestReport report = new IngestReport(load, cpuSeconds, peak, end, stored, lookups, counters,
            alive);
        reports.put(target.name(), report);
        report.print(System.out);
        if (alive && recountAfter.toSeconds() > 0) recount(target, sampled, load, recountAfter, loadStart);
      }
      deleteRecursively(workDir.resolve("retrospect-data"));
    }
    IngestReport.printTable(System.out, reports);
  }

  static List<CheckoutTrace> batch(CheckoutTraceGenerator generator, int batch, int tracesPerBatch) {
    List<CheckoutTrace> traces = new ArrayList<>(tracesPerBatch);
    for (int t = 0; t < tracesPerBatch; t++) traces.add(generator.trace(batch * tracesPerBatch + t));
    return traces;
  }

  /**
   * Sampled acknowledged traces counted by trace id (see {@link StoredCounter}): what the store
   * really holds. A count that failed says nothing either way and is left out of the share.
   */
  record StoredSample(String source, int traces, long spansExpected, long spansFound, int complete, int errors,
      String firstError, long[] nanos) {
    static final StoredSample NONE = new StoredSample("none", 0, 0, 0, 0, 0, null, new long[0]);

    double storedFraction() {
      return spansExpected == 0 ? 0 : spansFound / (double) spansExpected;
    }
  }

  /**
   * Sampled acknowledged traces looked up by their customer's email, each given at most the
   * lookup timeout; after {@link #UNFINISHED_BEFORE_GIVING_UP} unfinished lookups the rest are
   * not tried, so a store whose search cannot finish does not hold the benchmark for hours.
   */
  record EmailLookups(int tried, int complete, int partial, int unfinished, int errors,
      String firstError, long[] nanos, Duration timeout) {
    static final EmailLookups NONE = new EmailLookups(0, 0, 0, 0, 0, null, new long[0], Duration.ZERO);

    int missing() {
      return tried - complete - partial - unfinished - errors;
    }
  }

  static final int UNFINISHED_BEFORE_GIVING_UP = 3;

  /** {@code samples} distinct traces of acknowledged batches, chosen at random. */
  static List<CheckoutTrace> sampleTraces(CheckoutTraceGenerator generator, IngestLoad.Result load,
      int tracesPerBatch, int samples, Random random) {
    List<Integer> acknowledged = new ArrayList<>();
    for (int b = 0; b < load.status().length; b++) {
      if (!load.acknowledged(b)) continue;
      for (int t = 0; t < tracesPerBatch; t++) acknowledged.add(b * tracesPerBatch + t);
    }
    java.util.Collections.shuffle(acknowledged, random);
    return acknowledged.subList(0, Math.min(samples, acknowledged.size())).stream()
        .map(generator::trace).toList();
  }

  static StoredSample countStored(BenchTarget target, List<CheckoutTrace> traces) {
    long[] nanos = new long[traces.size()];
    long expected = 0;
    long found = 0;
    int complete = 0;
    int errors = 0;
    String firstError = null;
    try (StoredCounter counter = target.storedCounter()) {
      for (int i = 0; i < traces.size(); i++) {
        long start = System.nanoTime();
        try {
          int spans = Math.min(counter.spans(traces.get(i).traceId()), CheckoutTraceGenerator.SPANS_PER_TRACE);
          expected += CheckoutTraceGenerator.SPANS_PER_TRACE;
          found += spans;
          if (spans == CheckoutTraceGenerator.SPANS_PER_TRACE) complete++;
        } catch (RuntimeException e) {
          errors++;
          if (firstError == null) firstError = e.getMessage();
        }
        nanos[i] = System.nanoTime() - start;
      }
      return new StoredSample(counter.source(), traces.size(), expected, found, complete, errors, firstError, nanos);
    }
  }

  /**
   * Counts the same sample again later, for a server that acknowledges before it writes: whatever
   * it stored meanwhile shows, as does the rate over all the time it had (not the load's only).
   */
  static void recount(BenchTarget target, List<CheckoutTrace> sampled, IngestLoad.Result load,
      Duration wait, long loadStartNanos) {
    ServerProcess.sleep(wait.toMillis());
    StoredSample again = countStored(target, sampled);
    double seconds = (System.nanoTime() - loadStartNanos) / 1e9;
    double stored = load.acknowledgedSpans() * again.storedFraction();
    System.out.printf("counted again %d s later: %,d of %,d sampled spans stored (%.1f%%), i.e. %,.0f spans"
        + " = %,.0f spans/s over the %.0f s since the load began%n", wait.toSeconds(), again.spansFound(),
        again.spansExpected(), 100 * again.storedFraction(), stored, stored / seconds, seconds);
  }

  static EmailLookups lookUpByEmail(BenchTarget target, List<CheckoutTrace> traces, Duration timeout) {
    List<Long> nanos = new ArrayList<>();
    int complete = 0;
    int partial = 0;
    int unfinished = 0;
    int errors = 0;
    int tried = 0;
    String firstError = null;
    for (CheckoutTrace trace : traces) {
      if (unfinished == UNFINISHED_BEFORE_GIVING_UP) break;
      tried++;
      long start = System.nanoTime();
      try {
        int found = target.spansFoundByEmail(trace.email(), trace.traceId(), timeout);
        if (found >= CheckoutTraceGenerator.SPANS_PER_TRACE) complete++;
        else if (found > 0) partial++;
        nanos.add(System.nanoTime() - start);
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof java.net.http.HttpTimeoutException) {
          unfinished++;
        } else {
          errors++;
          if (firstError == null) firstError = e.getMessage();
        }
      } catch (RuntimeException e) {
        errors++;
        if (firstError == null) firstError = e.getMessage();
      }
    }
    return new EmailLookups(tried, complete, partial, unfinished, errors, firstError,
        nanos.stream().mapToLong(Long::longValue).toArray(), timeout);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }
}
