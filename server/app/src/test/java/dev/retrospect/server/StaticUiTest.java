package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.server.Server;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UI as a browser fetches it: files, app routes, missing assets, and no way out of ui/. */
class StaticUiTest {
  @Test
  void servesFilesAndAnswersAppRoutesWithIndexHtml(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("ui/assets"));
    Files.writeString(root.resolve("ui/index.html"), "<!doctype html><title>Retrospect UI</title>");
    Files.writeString(root.resolve("ui/assets/app.js"), "console.log('app')");
    Files.writeString(root.resolve("secret.txt"), "do not serve");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
      withServer(loader, client -> {
        assertThat(get(client, "/").contentUtf8()).contains("Retrospect UI");
        AggregatedHttpResponse js = get(client, "/assets/app.js");
        assertThat(js.contentUtf8()).isEqualTo("console.log('app')");
        assertThat(js.contentType().subtype()).isEqualTo("javascript");
        assertThat(get(client, "/sessions/5e55105e55105e55105e55105e55105e").contentUtf8()).contains("Retrospect UI");
        assertThat(get(client, "/assets/missing-1234.js").status().code()).isEqualTo(404);
        for (String path : new String[] {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/assets/../../secret.txt"}) {
          assertThat(get(client, path).contentUtf8()).as(path).doesNotContain("do not serve");
        }
        assertThat(client.post("/sessions", "x").aggregate().join().status().code()).isEqualTo(405);
      });
    }
  }

  @Test
  void withoutAUiBuildRootSaysSoAndLinksTheApi(@TempDir Path root) throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
      withServer(empty, client -> {
        AggregatedHttpResponse page = get(client, "/");
        assertThat(page.status().code()).isEqualTo(200);
        assertThat(page.contentUtf8()).contains("not built").contains("/api/services");
        assertThat(get(client, "/sessions/x").status().code()).isEqualTo(404);
      });
    }
  }

  private static AggregatedHttpResponse get(WebClient client, String path) {
    return client.get(path).aggregate().join();
  }

  private static void withServer(ClassLoader loader, java.util.function.Consumer<WebClient> test) {
    Server server = Server.builder().http(0).serviceUnder("/", StaticUi.service(loader)).build();
    server.start().join();
    try {
      test.accept(WebClient.of("http://127.0.0.1:" + server.activeLocalPort()));
    } finally {
      server.stop().join();
    }
  }
}
