package dev.retrospect.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a process's resident memory from {@code /proc/<pid>/status}: {@code VmRSS} (now) and
 * {@code VmHWM} (the kernel's high-water mark of RSS since the process started), in bytes.
 */
public record ProcessMemory(long pid) {

  public long residentBytes() {
    return field("VmRSS:");
  }

  public long peakResidentBytes() {
    return field("VmHWM:");
  }

  private long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024; // the kernel reports kB
        }
      }
      throw new IllegalStateException(name + " missing in /proc/" + pid + "/status");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read memory of process " + pid, e);
    }
  }
}
