package dev.retrospect.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** One line describing where and when a benchmark ran, for the results file. */
final class Machine {
  private Machine() {}

  /** The 1, 5 and 15-minute load averages: other work on this shared machine skews the figures. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return "load average " + parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "load average unknown";
    }
  }

  static String describe() {
    String cpu = "unknown CPU";
    long memKb = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) memKb = Long.parseLong(line.replaceAll("\\D", ""));
      }
    } catch (IOException e) {
      // not Linux: the description just says less
    }
    return String.format("%s UTC; %d cores (%s), %.1f GB RAM; Java %s; %s", Instant.now(),
        Runtime.getRuntime().availableProcessors(), cpu, memKb / 1048576.0,
        System.getProperty("java.version"), loadAverage());
  }
}
