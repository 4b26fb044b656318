package dev.retrospect.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcfsTest {

  @Test
  void ownResidentMemoryIsReadFromProc() {
    ProcessMemory memory = new ProcessMemory(ProcessHandle.current().pid());

    long resident = memory.residentBytes();
    long peak = memory.peakResidentBytes(); // read after: the high-water mark includes `resident`

    assertThat(resident).isGreaterThan(1 << 20);
    assertThat(peak).isGreaterThanOrEqualTo(resident);
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
