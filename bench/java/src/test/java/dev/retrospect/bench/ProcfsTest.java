package dev.retrospect.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcfsTest {

  @Test
  void ownResidentMemoryIsReadFromProc() {
    ProcessMemory memory = new ProcessMemory(ProcessHandle.current().pid());

    long resident = memory.residentBytes();
    long peak = memory.peakResidentBytes();

    assertThat(resident).isGreaterThan(1 << 20);
    // The kernel syncs per-thread RSS counters into VmHWM lazily, so the mark may trail the current
    // RSS by a few pages (seen: 164 KiB); it is never megabytes below it.
    assertThat(peak).isGreaterThanOrEqualTo(resident - (4 << 20));
  }

  @Test
  void ownCpuTimeGrowsWithWork() {
    ProcessCpu cpu = new ProcessCpu(ProcessHandle.current().pid());
    double before = cpu.seconds();
    long end = System.nanoTime() + 300_000_000L;
    long spin = 0;
    while (System.nanoTime() < end) spin++;

    assertThat(spin).isPositive();
    assertThat(cpu.seconds()).isGreaterThan(before);
  }
}
