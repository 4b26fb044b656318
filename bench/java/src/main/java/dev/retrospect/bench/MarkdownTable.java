package dev.retrospect.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Prints one row per figure and one column per target, as a Markdown table for RESULTS.md. */
final class MarkdownTable<R> {
  private final PrintStream out;
  private final Map<String, R> columns;

  MarkdownTable(PrintStream out, Map<String, R> columns) {
    this.out = out;
    this.columns = columns;
    StringBuilder header = new StringBuilder("| |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String name : columns.keySet()) {
      header.append(' ').append(name).append(" |");
      rule.append("---:|");
    }
    out.println(header);
    out.println(rule);
  }

  MarkdownTable<R> row(String label, Function<R, String> cell) {
    StringBuilder line = new StringBuilder("| " + label + " |");
    for (R column : columns.values()) line.append(' ').append(cell.apply(column)).append(" |");
    out.println(line);
    return this;
  }

  static String p50p99(LatencySummary s) {
    return String.format("%.1f / %.1f", s.p50Millis(), s.p99Millis());
  }

  static List<String> names(Map<String, ?> columns) {
    return List.copyOf(columns.keySet());
  }
}
