package dev.retrospect.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the CPU time a process has used (user + system) from {@code /proc/<pid>/stat}. On a
 * shared machine the wall-clock rate depends on what else runs; spans per CPU-second does less.
 */
public record ProcessCpu(long pid) {
  /** USER_HZ, the unit of the stat fields: 100 on every mainstream Linux architecture. */
  private static final double TICKS_PER_SECOND = 100.0;

  public double seconds() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may itself hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(fields[11]); // field 14 of proc(5): state is field 3 = index 0
      long stime = Long.parseLong(fields[12]);
      return (utime + stime) / TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CPU time of process " + pid, e);
    }
  }
}
