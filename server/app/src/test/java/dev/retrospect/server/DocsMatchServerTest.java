package dev.retrospect.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table and docs/api.md are what users and the UI are written against;
 * these tests read both files and fail when the server says something else.
 */
class DocsMatchServerTest extends RunningServer {
  private static final String TRACE = "d0c5d0c5d0c5d0c5d0c5d0c5d0c5d0c5";
  private static final String SESSION = "d0c55e55d0c55e55d0c55e55d0c55e55";
  private static final String CHAPTER = "d0c5c4a9d0c5c4a9d0c5c4a9d0c5c4a9";
  private static final long T0_MILLIS = 1_764_150_000_000L;

  private static String apiDoc;

  @BeforeAll
  static void storeASessionWithAChapterAndItsTrace() throws IOException {
    apiDoc = Files.readString(repositoryFile("docs/api.md"));
    String span = "{\"traceId\": \"" + TRACE + "\", \"spanId\": \"d0c5000000000002\", \"parentSpanId\": \"d0c5000000000001\","
        + " \"name\": \"POST /checkout\", \"kind\": 2,"
        + " \"startTimeUnixNano\": \"" + T0_MILLIS * 1_000_000 + "\", \"endTimeUnixNano\": \"" + (T0_MILLIS + 5) * 1_000_000 + "\","
        + " \"attributes\": [{\"key\": \"http.request.body\", \"value\": {\"stringValue\": \"{\\\"email\\\":\\\"docsbuyer@gmail.com\\\"}\"}},"
        + "   {\"key\": \"http.response.status_code\", \"value\": {\"intValue\": \"400\"}}],"
        + " \"events\": [{\"timeUnixNano\": \"" + (T0_MILLIS + 1) * 1_000_000 + "\", \"name\": \"exception\","
        + "   \"attributes\": [{\"key\": \"exception.message\", \"value\": {\"stringValue\": \"no stock\"}}]}],"
        + " \"links\": [{\"traceId\": \"d0c5d0c5d0c5d0c5d0c5d0c5d0c5d0c6\", \"spanId\": \"d0c5000000000003\"}],"
        + " \"status\": {\"code\": 2, \"message\": \"no stock\"}}";
    HttpResponse<String> sent = server.post(server.otlpHttp() + "/v1/traces", "application/json",
        OtlpJson.request(span).getBytes(StandardCharsets.UTF_8));
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
    String chapter = "{\"chapterId\": \"" + CHAPTER + "\", \"sequence\": 0, \"traceId\": \"" + TRACE + "\","
        + " \"firstEventTime\": " + T0_MILLIS + ", \"requestTime\": " + (T0_MILLIS + 4) + ", \"method\": \"POST\","
        + " \"url\": \"http://shop/api/checkout\", \"status\": 400, \"duration\": 35, \"error\": null}";
    String batch = ReplayAndQueryTest.batch(SESSION, 0,
        List.of(ReplayAndQueryTest.event(4, T0_MILLIS), ReplayAndQueryTest.event(2, T0_MILLIS + 1)), chapter);
    HttpResponse<String> replay = server.post(server.ui() + "/v1/replay", "application/json", batch.getBytes(StandardCharsets.UTF_8));
    assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
  }

  @Test
  void everySettingIsInTheReadmeTableWithItsFlagAndDefault() throws IOException {
    Map<String, List<String>> rows = readmeSettingRows();
    for (ServerConfig.Setting setting : ServerConfig.Setting.values()) {
      assertThat(rows).as("README configuration table row for " + setting.env).containsKey(setting.env);
      List<String> cells = rows.get(setting.env);
      assertThat(cells.get(1)).as("flag of " + setting.env).isEqualTo("`" + setting.flag() + "`");
      String documentedDefault = firstCode(cells.get(2));
      assertThat(documentedDefault).as("default of " + setting.env + " in the README")
          .isEqualTo(setting.defaultValue.isEmpty() ? "none" : setting.defaultValue);
    }
    Set<String> known = new TreeSet<>();
    for (ServerConfig.Setting s : ServerConfig.Setting.values()) known.add(s.env);
    assertThat(known).as("settings the server reads").containsAll(rows.keySet());
  }

  @Test
  void spansAreTheObjectDocsApiShows() {
    JsonNode span = server.getJson("/api/spans?q=docsbuyer").get("spans").get(0);
    JsonNode documented = documentedObject("Span");
    assertThat(fields(span)).isEqualTo(fields(documented));
    assertThat(fields(span.get("status"))).as("status").isEqualTo(fields(documented.get("status")));
    for (String list : List.of("events", "links")) {
      assertThat(fields(span.get(list).get(0))).as(list).isEqualTo(fields(documented.get(list).get(0)));
    }
  }

  @Test
  void chaptersAndSessionsAreTheObjectsDocsApiShows() {
    JsonNode bySession = server.getJson("/api/sessions/" + SESSION);
    assertThat(fields(bySession.get("session"))).isEqualTo(fields(documentedObject("Session")));
    assertThat(fields(bySession.get("chapters").get(0))).isEqualTo(fields(documentedObject("Chapter")));
  }

  @Test
  void eachQueryAnswerHasTheTopLevelFieldsDocsApiLists() {
    Map<String, String> answers = new LinkedHashMap<>();
    answers.put("GET /api/spans?", "/api/spans?q=docsbuyer");
    answers.put("GET /api/traces/{traceId}", "/api/traces/" + TRACE);
    answers.put("GET /api/chapters/{chapterId}", "/api/chapters/" + CHAPTER);
    answers.put("GET /api/sessions?", "/api/sessions?q=ivan");
    answers.put("GET /api/sessions/{id}`", "/api/sessions/" + SESSION);
    answers.put("GET /api/sessions/{id}/events", "/api/sessions/" + SESSION + "/events");
    answers.put("GET /api/services", "/api/services");
    answers.put("GET /health", "/health");
    answers.forEach((endpoint, path) -> assertThat(fields(server.getJson(path)))
        .as(endpoint + " answer, fetched as " + path)
        .isEqualTo(documentedAnswerFields(endpoint)));
  }

  /** The JSON block that follows {@code **Span**} (or Chapter, Session) in docs/api.md, parsed. */
  private static JsonNode documentedObject(String name) {
    Matcher m = Pattern.compile("\\*\\*" + name + "\\*\\*\\s*```json\\n(.*?)```", Pattern.DOTALL).matcher(apiDoc);
    assertThat(m.find()).as("docs/api.md has a JSON block for " + name).isTrue();
    return TestServer.json(m.group(1));
  }

  /**
   * The top-level keys of the first {@code {…}} in the answer column of the endpoint table row
   * that starts with {@code endpoint}: a quoted word right after {@code {} or {@code ,} at depth 1.
   */
  private static Set<String> documentedAnswerFields(String endpoint) {
    String row = apiDoc.lines().filter(l -> l.startsWith("| `" + endpoint)).findFirst()
        .orElseThrow(() -> new AssertionError("docs/api.md has no row for " + endpoint));
    String answer = row.substring(row.indexOf("` |", 3) + 3);
    int start = answer.indexOf('{');
    Set<String> keys = new TreeSet<>();
    int depth = 0;
    char previous = ' ';
    for (int i = start; i < answer.length(); i++) {
      char c = answer.charAt(i);
      if (c == '{' || c == '[') depth++;
      else if (c == '}' || c == ']') {
        if (--depth == 0) break;
      } else if (c == '"') {
        int end = answer.indexOf('"', i + 1);
        if (depth == 1 && (previous == '{' || previous == ',')) keys.add(answer.substring(i + 1, end));
        i = end;
      }
      if (!Character.isWhitespace(c)) previous = c;
    }
    return keys;
  }

  private static Set<String> fields(JsonNode node) {
    assertThat(node).as("an object").isNotNull();
    Set<String> out = new TreeSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Rows of the README's configuration table by environment name: the cells of each. */
  private static Map<String, List<String>> readmeSettingRows() throws IOException {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : Files.readAllLines(repositoryFile("README.md"))) {
      if (!line.startsWith("| `RETROSPECT_")) continue;
      List<String> cells = new ArrayList<>();
      for (String cell : line.substring(1).split(" \\|")) cells.add(cell.trim());
      rows.put(firstCode(cells.get(0)), cells);
    }
    assertThat(rows).as("README configuration table").isNotEmpty();
    return rows;
  }

  private static String firstCode(String cell) {
    Matcher m = Pattern.compile("`([^`]*)`").matcher(cell);
    return m.find() ? m.group(1) : cell;
  }

  private static Path repositoryFile(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(relative))) return dir.resolve(relative);
    }
    throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
  }
}
