package dev.retrospect.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

  @Test
  void ownResidentMemoryIsReadFromProc() {
    ProcessMemory memory = new ProcessMemory(ProcessHandle.current().pid());

    long resident = memory.residentBytes();
    long peak = memory.peakResidentBytes(); // read after: the high-water mark includes `resident`

    assertThat(resident).isGreaterThan(1 << 20);
    assertThat(peak).isGreaterThanOrEqualTo(resident);
  }
}
