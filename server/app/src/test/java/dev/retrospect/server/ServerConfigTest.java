package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    ServerConfig c = ServerConfig.from(Map.of());
    assertThat(c.storage()).isEqualTo("embedded");
    assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.retentionDays()).isEqualTo(7);
    assertThat(List.of(c.httpPort(), c.otlpHttpPort(), c.otlpGrpcPort())).containsExactly(3200, 4318, 4317);
    assertThat(c.bindAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(c.anyCorsOrigin()).isTrue();
    // 0: the budgets are shares of the heap, half for ingest and a quarter for queries.
    assertThat(List.of(c.maxIngestMemory(), c.maxQueryMemory())).containsExactly(0L, 0L);
    long heap = Runtime.getRuntime().maxMemory();
    assertThat(MemoryBudget.ofBytesOrHeapShare(c.maxIngestMemory(), 2).capacity()).isEqualTo(heap / 2);
    assertThat(MemoryBudget.ofBytesOrHeapShare(c.maxQueryMemory(), 4).capacity()).isEqualTo(heap / 4);
    assertThat(MemoryBudget.ofBytesOrHeapShare(ServerConfig.from(Map.of(), "--max-query-memory=1000").maxQueryMemory(), 4).capacity())
        .isEqualTo(1000);
  }

  @Test
  void flagsOverrideEnvironmentVariables() {
    ServerConfig c = ServerConfig.from(
        Map.of("RETROSPECT_HTTP_PORT", "8080", "RETROSPECT_CORS_ORIGINS", "https://shop.example.com, http://localhost:3000"),
        "--http-port=9090", "--data-dir=/tmp/r");
    assertThat(c.httpPort()).isEqualTo(9090);
    assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/r"));
    assertThat(c.corsOrigins()).containsExactly("https://shop.example.com", "http://localhost:3000");
  }

  @Test
  void badValuesNameTheSettingAndTheValue() {
    assertThatThrownBy(() -> ServerConfig.from(Map.of("RETROSPECT_HTTP_PORT", "http")))
        .hasMessage("RETROSPECT_HTTP_PORT (--http-port) must be a whole number from 0 to 65535, got \"http\"");
    assertThatThrownBy(() -> ServerConfig.from(Map.of(), "--storage=mysql"))
        .hasMessageContaining("RETROSPECT_STORAGE (--storage) must be embedded or cassandra, got \"mysql\"");
    assertThatThrownBy(() -> ServerConfig.from(Map.of(), "--bind-address=example.com"))
        .hasMessageContaining("must be an IP address");
    assertThatThrownBy(() -> ServerConfig.from(Map.of(), "--cors-origins=https://a.com/path"))
        .hasMessageContaining("bad entry \"https://a.com/path\"");
    assertThatThrownBy(() -> ServerConfig.from(Map.of(), "--max-query-memory=-1"))
        .hasMessageStartingWith("RETROSPECT_MAX_QUERY_MEMORY (--max-query-memory) must be a whole number from 0");
    assertThatThrownBy(() -> ServerConfig.from(Map.of(), "--port=1"))
        .hasMessageStartingWith("unknown argument --port=1");
  }

  @Test
  void aFlagWithItsValueAfterASpaceOrMisspeltSaysHowToWriteIt() {
    assertThatThrownBy(() -> ServerConfig.from(Map.of(), "--http-port", "8080"))
        .hasMessage("--http-port needs its value after '=', e.g. --http-port=3200; --help lists every setting");
    assertThatThrownBy(() -> ServerConfig.from(Map.of(), "--htp-port=8080"))
        .hasMessage("unknown argument --htp-port=8080 (did you mean --http-port=?); --help lists every setting");
  }

  @Test
  void helpListsEveryFlagWithItsDefaultAndEnvironmentName() {
    assertThat(ServerConfig.helpRequested("--data-dir=x", "--help")).isTrue();
    assertThat(ServerConfig.helpRequested("--data-dir=x")).isFalse();
    String usage = ServerConfig.usage();
    for (ServerConfig.Setting s : ServerConfig.Setting.values()) {
      assertThat(usage).contains(s.flag() + "=").contains(s.env + ": ");
    }
    assertThat(usage).contains("--http-port=3200\n      RETROSPECT_HTTP_PORT: UI, query API")
        .contains("--api-token=(none)");
  }

  @Test
  void aMisspeltEnvironmentVariableIsNamedWithTheSettingItResembles() {
    assertThat(ServerConfig.unknownEnvironment(Map.of(
            "RETROSPECT_HTTP_PROT", "8080",
            "RETROSPECT_ENDPOINT", "http://localhost:4318",
            "RETROSPECT_JAVA_OPTS", "-Xmx1g",
            "RETROSPECT_DATA_DIR", "/var/lib/retrospect",
            "HOME", "/root")))
        .containsExactly(
            "RETROSPECT_ENDPOINT is not a setting of the server and is ignored",
            "RETROSPECT_HTTP_PROT is not a setting of the server and is ignored (did you mean RETROSPECT_HTTP_PORT?)");
  }

  @Test
  void accessSettingsAreReadAndAUserNeedsAPassword() {
    ServerConfig c = ServerConfig.from(Map.of("RETROSPECT_INGEST_KEYS", " pk_a, ,pk_b ", "RETROSPECT_OTLP_TOKEN", "t"),
        "--ui-user=ada", "--ui-password=pw", "--write-queue=100", "--max-ingest-in-flight=4");
    assertThat(c.access().ingestKeys()).containsExactly("pk_a", "pk_b");
    assertThat(c.access().readsProtected()).isTrue();
    assertThat(c.access().otlpToken()).isEqualTo("t");
    assertThat(List.of(c.writeQueue(), c.maxIngestInFlight())).containsExactly(100, 4);
    assertThat(ServerConfig.from(Map.of()).access().readsProtected()).isFalse();
    assertThatThrownBy(() -> ServerConfig.from(Map.of(), "--ui-user=ada"))
        .hasMessageStartingWith("RETROSPECT_UI_PASSWORD (--ui-password) must be set too");
    assertThatThrownBy(() -> ServerConfig.from(Map.of(), "--ui-user=a:b", "--ui-password=x"))
        .hasMessageContaining("must not contain ':'");
    assertThatThrownBy(() -> ServerConfig.from(Map.of(), "--max-ingest-in-flight=0"))
        .hasMessageContaining("RETROSPECT_MAX_INGEST_IN_FLIGHT");
  }
}
