import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Soak: starts the server jar as a child process on a fresh data directory, measures how many
 * spans per second it acknowledges under a closed loop (after a warm-up), then offers ten times that as an open loop
 * (bounded concurrency) for a minute, kills the server with SIGKILL, restarts it on the same data
 * directory and counts every acknowledged span that is missing. Prints accepted, rejected
 * (429/503), acknowledged-but-lost and the child's peak RSS (VmHWM).
 *
 * <p>Run through bench/soak.sh: {@code java Soak.java <retrospect.jar> [overload seconds] [heap]}.
 */
public class Soak {
  static final int SPANS_PER_REQUEST = 50;
  static final int CAPACITY_CLIENTS = 16;
  static final int WARMUP_SECONDS = 10;
  static final int CAPACITY_SECONDS = 15;
  static final int MAX_IN_FLIGHT = 512;
  static final Pattern OTLP_PORT = Pattern.compile("OTLP/HTTP\\s+http://[^:]+:(\\d+)/");
  static final Pattern UI_PORT = Pattern.compile("UI and query API\\s+http://[^:]+:(\\d+)/");

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  final AtomicLong nextRequest = new AtomicLong();
  final BitSet acknowledged = new BitSet();

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    int overloadSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    String heap = args.length > 2 ? args[2] : "256m";
    new Soak().run(jar, overloadSeconds, heap);
  }

  void run(Path jar, int overloadSeconds, String heap) throws Exception {
    Path data = Files.createTempDirectory("retrospect-soak");
    Child server = Child.start(jar, data, heap);
    long acceptedSpans;
    long rejected;
    long failed;
    long offered;
    long sent;
    long peakRssKb;
    double capacity;
    try {
      // Closed loop: each client sends its next request when the last is answered. The first
      // seconds only warm the JIT, so that the capacity is not understated.
      Counts warmup = closedLoop(server.otlpPort, CAPACITY_CLIENTS, Duration.ofSeconds(WARMUP_SECONDS));
      long capacityStart = System.nanoTime();
      Counts closed = closedLoop(server.otlpPort, CAPACITY_CLIENTS, Duration.ofSeconds(CAPACITY_SECONDS));
      capacity = closed.acceptedSpans.get() / ((System.nanoTime() - capacityStart) / 1e9);
      System.out.printf("capacity: %.0f spans/s acknowledged (%d clients, %d s closed loop; %d rejected)%n",
          capacity, CAPACITY_CLIENTS, CAPACITY_SECONDS, closed.rejected.get());

      double offeredRequestsPerSecond = 10 * capacity / SPANS_PER_REQUEST;
      System.out.printf("overload: offering %.0f spans/s (%.0f requests/s) for %d s, at most %d in flight%n",
          10 * capacity, offeredRequestsPerSecond, overloadSeconds, MAX_IN_FLIGHT);
      Counts open = openLoop(server.otlpPort, offeredRequestsPerSecond, Duration.ofSeconds(overloadSeconds));
      acceptedSpans = warmup.acceptedSpans.get() + closed.acceptedSpans.get() + open.acceptedSpans.get();
      rejected = open.rejected.get();
      failed = open.failed.get();
      offered = open.offered.get();
      sent = open.sent.get();
      boolean healthy = get(server.uiPort, "/health").statusCode() == 200;
      System.out.printf("after the overload: /health %s%n", healthy ? "200" : "NOT 200");
      HttpResponse<String> after = post(server.otlpPort, request(nextRequest.getAndIncrement()));
      System.out.printf("a write after the overload: %d%n", after.statusCode());
      peakRssKb = vmHwmKb(server.process.pid());
      System.out.printf("overload: offered %d requests, sent %d, accepted %d spans, rejected %d requests (429/503), failed %d%n",
          offered, sent, open.acceptedSpans.get(), rejected, failed);
    } finally {
      server.process.destroyForcibly(); // SIGKILL: only what was acknowledged as durable may count
      server.process.waitFor(10, TimeUnit.SECONDS);
    }

    Child restarted = Child.start(jar, data, heap);
    long lost;
    long stored;
    try {
      BitSet found = storedRequests(restarted.uiPort);
      stored = found.cardinality();
      BitSet missing = (BitSet) acknowledged.clone();
      missing.andNot(found);
      lost = (long) missing.cardinality() * SPANS_PER_REQUEST;
    } finally {
      restarted.process.destroyForcibly();
      restarted.process.waitFor(10, TimeUnit.SECONDS);
    }
    System.out.println();
    System.out.printf("measured capacity          %,.0f spans/s%n", capacity);
    System.out.printf("offered (10x) for          %d s: %,d requests of %d spans, %,d sent%n", overloadSeconds, offered, SPANS_PER_REQUEST, sent);
    System.out.printf("accepted                   %,d spans (%,d requests acknowledged in all)%n", acceptedSpans, acknowledged.cardinality());
    System.out.printf("rejected (429/503)         %,d requests%n", rejected);
    System.out.printf("failed (other/IO)          %,d requests%n", failed);
    System.out.printf("stored after restart       %,d complete requests%n", stored);
    System.out.printf("acknowledged but lost      %,d spans%n", lost);
    System.out.printf("peak RSS (VmHWM, -Xmx%s)  %,d KB%n", heap, peakRssKb);
    deleteTree(data);
    if (lost != 0) System.exit(1);
  }

  static final class Counts {
    final AtomicLong acceptedSpans = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong offered = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
  }

  Counts closedLoop(int port, int clients, Duration length) throws InterruptedException {
    Counts counts = new Counts();
    long end = System.nanoTime() + length.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          long n = nextRequest.getAndIncrement();
          try {
            record(n, post(port, request(n)).statusCode(), counts);
          } catch (IOException | InterruptedException e) {
            counts.failed.incrementAndGet();
          }
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) t.join();
    return counts;
  }

  /** Requests at a fixed rate whatever the answers; past MAX_IN_FLIGHT the offer is counted but not sent. */
  Counts openLoop(int port, double perSecond, Duration length) throws InterruptedException {
    Counts counts = new Counts();
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    long start = System.nanoTime();
    long end = start + length.toNanos();
    long intervalNanos = (long) (1e9 / perSecond);
    for (long i = 0; ; i++) {
      long due = start + i * intervalNanos;
      if (due >= end) break;
      long wait = due - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
      counts.offered.incrementAndGet();
      if (!inFlight.tryAcquire()) continue;
      counts.sent.incrementAndGet();
      long n = nextRequest.getAndIncrement();
      http.sendAsync(httpPost(port, request(n)), HttpResponse.BodyHandlers.discarding())
          .whenComplete((r, e) -> {
            if (e != null) counts.failed.incrementAndGet();
            else record(n, r.statusCode(), counts);
            inFlight.release();
          });
    }
    inFlight.acquire(MAX_IN_FLIGHT); // wait for the answers still coming
    inFlight.release(MAX_IN_FLIGHT);
    return counts;
  }

  void record(long n, int status, Counts counts) {
    if (status == 200) {
      synchronized (acknowledged) {
        acknowledged.set((int) n);
      }
      counts.acceptedSpans.addAndGet(SPANS_PER_REQUEST);
    } else if (status == 429 || status == 503) {
      counts.rejected.incrementAndGet();
    } else {
      counts.failed.incrementAndGet();
    }
  }

  /** Requests whose every span is found after the restart, paging through the search API. */
  BitSet storedRequests(int uiPort) throws Exception {
    java.util.Map<Long, Integer> spansPerRequest = new java.util.HashMap<>();
    String cursor = null;
    do {
      HttpResponse<String> r = get(uiPort, "/api/spans?service=soak&sort=oldest&limit=1000"
          + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, "UTF-8")));
      if (r.statusCode() != 200) throw new IllegalStateException("search failed: " + r.statusCode() + " " + r.body());
      Matcher ids = Pattern.compile("\"traceId\":\"([0-9a-f]{32})\"").matcher(r.body());
      while (ids.find()) spansPerRequest.merge(Long.parseLong(ids.group(1).substring(16), 16), 1, Integer::sum);
      Matcher next = Pattern.compile("\"nextCursor\":\"([^\"]+)\"").matcher(r.body());
      cursor = next.find() ? next.group(1) : null;
    } while (cursor != null);
    BitSet complete = new BitSet();
    spansPerRequest.forEach((n, count) -> {
      if (count == SPANS_PER_REQUEST) complete.set(n.intValue());
    });
    return complete;
  }

  /** One trace per request (trace id = request number) of SPANS_PER_REQUEST spans, as OTLP JSON. */
  static String request(long n) {
    String trace = String.format("50a450a450a450a4%016x", n);
    long startNanos = System.currentTimeMillis() * 1_000_000L;
    StringBuilder spans = new StringBuilder();
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      if (i > 0) spans.append(',');
      spans.append("{\"traceId\":\"").append(trace).append("\",\"spanId\":\"").append(String.format("%012x%04x", n + 1, i))
          .append("\",\"name\":\"GET /api/items/").append(i).append("\",\"kind\":2,\"startTimeUnixNano\":\"").append(startNanos)
          .append("\",\"endTimeUnixNano\":\"").append(startNanos + 3_000_000).append("\",\"attributes\":[")
          .append("{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"200\"}},")
          .append("{\"key\":\"http.request.body\",\"value\":{\"stringValue\":\"{\\\"email\\\":\\\"soak").append(n)
          .append("@example.com\\\",\\\"items\\\":[\\\"cherries\\\",\\\"figs\\\"],\\\"note\\\":\\\"").append("lorem ipsum ".repeat(8))
          .append("\\\"}\"}}]}");
    }
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"soak\"}}]},"
        + "\"scopeSpans\":[{\"spans\":[" + spans + "]}]}]}";
  }

  HttpRequest httpPost(int port, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/traces"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  HttpResponse<String> post(int port, String body) throws IOException, InterruptedException {
    return http.send(httpPost(port, body), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(120)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static long vmHwmKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", ""));
    }
    return -1;
  }

  static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  record Child(Process process, int otlpPort, int uiPort) {
    static Child start(Path jar, Path data, String heap) throws IOException {
      Process p = new ProcessBuilder("java", "-Xmx" + heap, "-jar", jar.toString(), "--data-dir=" + data,
          "--http-port=0", "--otlp-http-port=0", "--otlp-grpc-port=0").redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
      int otlp = -1;
      int ui = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while ((otlp < 0 || ui < 0) && System.nanoTime() < deadline) {
        String line = out.readLine();
        if (line == null) break;
        Matcher m = OTLP_PORT.matcher(line);
        if (m.find()) otlp = Integer.parseInt(m.group(1));
        m = UI_PORT.matcher(line);
        if (m.find()) ui = Integer.parseInt(m.group(1));
      }
      if (otlp < 0 || ui < 0) {
        p.destroyForcibly();
        throw new IllegalStateException("the server did not start");
      }
      Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
      drain.setDaemon(true);
      drain.start();
      return new Child(p, otlp, ui);
    }
  }
}
