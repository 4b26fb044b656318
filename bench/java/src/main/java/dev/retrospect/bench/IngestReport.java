package dev.retrospect.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** What one target did under the ingest load, and the side-by-side table of all targets. */
record IngestReport(IngestLoad.Result load, double cpuSeconds, long peakRssBytes, long endRssBytes,
    IngestBenchmark.StoredSample stored, IngestBenchmark.EmailLookups lookups, String counters,
    boolean survived) {

  double acknowledgedSpansPerSecond() {
    return load.acknowledgedSpans() / load.seconds();
  }

  /** Acknowledged spans times the share of the sampled acknowledged spans fetched back by trace id. */
  double storedSpans() {
    return load.acknowledgedSpans() * stored.storedFraction();
  }

  double storedSpansPerSecond() {
    return storedSpans() / load.seconds();
  }

  /** Stored spans per CPU-second the server used during the load: less sensitive to other load on the machine. */
  double storedSpansPerCpuSecond() {
    return storedSpans() / cpuSeconds;
  }

  void print(PrintStream out) {
    LatencySummary ack = load.acknowledgementLatency();
    out.printf("acknowledged %,d spans = %,.0f spans/s; acknowledgement latency %s%n",
        load.acknowledgedSpans(), acknowledgedSpansPerSecond(), ack);
    out.printf("server CPU time during the load %.1f s (%.2f cores on average)%n", cpuSeconds,
        cpuSeconds / load.seconds());
    out.printf("peak RSS (VmHWM) %.0f MB, RSS at end %.0f MB%s%n", peakRssBytes / 1048576.0,
        endRssBytes / 1048576.0, survived ? "" : "; THE SERVER PROCESS DIED");
    out.printf("counted %d sampled acknowledged traces by id (%s): %,d of %,d spans stored (%.1f%%),"
        + " %d traces complete, %d counts failed%s; count %s%n", stored.traces(), stored.source(), stored.spansFound(),
        stored.spansExpected(), 100 * stored.storedFraction(), stored.complete(), stored.errors(),
        stored.firstError() == null ? "" : " (" + stored.firstError() + ")",
        LatencySummary.ofNanos(stored.nanos()));
    out.printf("stored (acknowledged x share counted by id) %,.0f spans = %,.0f spans/s%n", storedSpans(),
        storedSpansPerSecond());
    out.printf("looked up %d of them by email (at most %d s each): %d complete, %d partial, %d missing,"
        + " %d did not finish, %d failed%s; finished lookups %s%n", lookups.tried(),
        lookups.timeout().toSeconds(), lookups.complete(), lookups.partial(), lookups.missing(),
        lookups.unfinished(), lookups.errors(),
        lookups.firstError() == null ? "" : " (" + lookups.firstError() + ")",
        LatencySummary.ofNanos(lookups.nanos()));
    out.printf("server counters: %s%n", counters);
  }

  static void printTable(PrintStream out, Map<String, IngestReport> reports) {
    out.println();
    out.println("## Side by side");
    out.println();
    new MarkdownTable<>(out, reports)
        .row("run time (s)", r -> String.format("%.1f", r.load().seconds()))
        .row("requests sent", r -> String.format("%,d", r.load().sent()))
        .row("acknowledged spans/s", r -> String.format("%,.0f", r.acknowledgedSpansPerSecond()))
        .row("ack latency p50 / p99 (ms)", r -> MarkdownTable.p50p99(r.load().acknowledgementLatency()))
        .row("rejected 429 / 503, failed", r -> String.format("%,d / %,d, %,d",
            r.load().count(429), r.load().count(503), r.load().failed()))
        .row("sampled spans stored (counted by trace id)", r -> String.format("%,d / %,d (%.1f%%)",
            r.stored().spansFound(), r.stored().spansExpected(), 100 * r.stored().storedFraction()))
        .row("stored spans (est.)", r -> String.format("%,.0f", r.storedSpans()))
        .row("stored spans/s", r -> String.format("%,.0f", r.storedSpansPerSecond()))
        .row("server CPU during load (s)", r -> String.format("%.1f", r.cpuSeconds()))
        .row("stored spans per server CPU-second", r -> String.format("%,.0f", r.storedSpansPerCpuSecond()))
        .row("count by trace id p50 / p99 (ms)", r -> MarkdownTable.p50p99(LatencySummary.ofNanos(r.stored().nanos())))
        .row("email lookups complete / did not finish / tried", r -> String.format("%d / %d / %d",
            r.lookups().complete(), r.lookups().unfinished(), r.lookups().tried()))
        .row("finished email lookup p50 / p99 (ms)", r -> MarkdownTable.p50p99(LatencySummary.ofNanos(r.lookups().nanos())))
        .row("peak RSS (MB)", r -> String.format("%.0f", r.peakRssBytes() / 1048576.0));
    List<String> names = MarkdownTable.names(reports);
    for (String other : names.subList(Math.min(1, names.size()), names.size())) {
      IngestReport first = reports.get(names.get(0));
      IngestReport second = reports.get(other);
      out.printf("%nratio %s / %s: stored spans/s %.2f, acknowledged spans/s %.2f,"
          + " stored spans per server CPU-second %.2f%n", names.get(0), other,
          first.storedSpansPerSecond() / second.storedSpansPerSecond(),
          first.acknowledgedSpansPerSecond() / second.acknowledgedSpansPerSecond(),
          first.storedSpansPerCpuSecond() / second.storedSpansPerCpuSecond());
    }
  }
}
