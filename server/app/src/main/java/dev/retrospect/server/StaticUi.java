package dev.retrospect.server;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;

/**
 * The web UI: files from the classpath folder {@code /ui/} (the React build is packed there), with
 * every other GET of a path without a file extension answered by {@code index.html} so that the
 * app's own routes (such as {@code /sessions/…}) load. Armeria's FileService normalizes paths and refuses {@code ..}, so no
 * request reaches a file outside that folder. Without a UI build, {@code /} says so.
 */
final class StaticUi {
  private static final String FOLDER = "ui";

  private StaticUi() {}

  static HttpService service() {
    return service(StaticUi.class.getClassLoader());
  }

  /** The UI found under {@code ui/} of this class loader. */
  static HttpService service(ClassLoader loader) {
    if (loader.getResource(FOLDER + "/index.html") == null) return notBuilt();
    HttpService index = HttpFile.of(loader, FOLDER + "/index.html").asService();
    FileService files = FileService.builder(loader, FOLDER).build();
    HttpService spaFallback = (ctx, req) -> {
      if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
        return HttpResponse.of(HttpStatus.METHOD_NOT_ALLOWED);
      }
      // A missing file (a stale asset name) is a 404, not the app: only app routes have no dot.
      String last = ctx.path().substring(ctx.path().lastIndexOf('/') + 1);
      if (last.contains(".")) return HttpResponse.of(HttpStatus.NOT_FOUND);
      return index.serve(ctx, req);
    };
    return files.orElse(spaFallback);
  }

  private static HttpService notBuilt() {
    String page = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Retrospect</title></head>
        <body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
        <h1>Retrospect is running</h1>
        <p>The web UI is not built into this jar. The query API works:
        <a href="/api/services">/api/services</a>, <a href="/api/spans">/api/spans</a>,
        <a href="/health">/health</a>, <a href="/metrics">/metrics</a>.</p>
        </body></html>
        """;
    return (ctx, req) -> ctx.path().equals("/")
        ? HttpResponse.of(HttpStatus.OK, MediaType.HTML_UTF_8, page)
        : HttpResponse.of(HttpStatus.NOT_FOUND, MediaType.PLAIN_TEXT_UTF_8, "Not found: " + ctx.path());
  }
}
