package dev.retrospect.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes checkout-like traces as Bob's shop would send them: {@code api} receives {@code POST
 * /checkout} and calls {@code authenticate}, {@code inventory}, {@code payment} and {@code
 * shipping}. Every span carries eight attributes including a ~300-byte JSON request body that
 * holds the customer's email, unique per trace. Trace {@code i} is the same on every call with
 * the same run tag, so any trace can be rebuilt from its index for a later lookup.
 *
 * <p>About 1% of checkouts fail with a 503 from payment and 2% with a 400 from inventory, so that
 * searching by status class has something to find; the trace still has five spans.
 */
public final class CheckoutTraceGenerator {
  public static final int SPANS_PER_TRACE = 5;
  private static final String[] CHILDREN = {"authenticate", "inventory", "payment", "shipping"};
  private static final String[] CHILD_ROUTES = {"/login/verify", "/stock/reserve", "/charge", "/ship"};
  private static final String[] PRODUCTS = {"cherries", "apples", "pears", "plums", "figs", "dates"};

  private final String runTag;
  private final long baseMicros;
  private final long stepMicros;

  /**
   * @param runTag makes emails and ids differ between runs (letters and digits only)
   * @param baseMicros start time of trace 0
   * @param stepMicros time between the starts of consecutive traces
   */
  public CheckoutTraceGenerator(String runTag, long baseMicros, long stepMicros) {
    this.runTag = runTag;
    this.baseMicros = baseMicros;
    this.stepMicros = stepMicros;
  }

  public long baseMicros() {
    return baseMicros;
  }

  /** Start time of trace {@code index}'s root span. */
  public long startOf(int index) {
    return baseMicros + index * stepMicros;
  }

  /**
   * One token for a full-text index (letters and digits), so searching for it finds this trace
   * and no other.
   */
  public String emailOf(int index) {
    return "buyer" + index + "x" + runTag + "@example.com";
  }

  public CheckoutTrace trace(int index) {
    SplittableRandom random = new SplittableRandom((long) index * 0x9E3779B97F4A7C15L ^ runTag.hashCode());
    String traceId = hex(random.nextLong()) + hex(random.nextLong() | 1);
    String email = emailOf(index);
    int failure = random.nextInt(100); // 0: payment 503, 1-2: inventory 400
    int rootStatus = failure == 0 ? 503 : failure <= 2 ? 400 : 200;
    long start = startOf(index);
    String rootId = hex(random.nextLong() | 1);
    String product = PRODUCTS[random.nextInt(PRODUCTS.length)];
    int quantity = 1 + random.nextInt(9);
    String userId = "u-" + (index % 100_000);

    List<LogicalSpan> spans = new ArrayList<>(SPANS_PER_TRACE);
    long childStart = start + 200;
    long[] durations = new long[CHILDREN.length];
    for (int c = 0; c < CHILDREN.length; c++) durations[c] = 800 + random.nextInt(20_000);
    long rootDuration = 400;
    for (long d : durations) rootDuration += d + 50;
    spans.add(span(traceId, rootId, null, "api", "POST /checkout", start, rootDuration, rootStatus,
        "http://shop.example/api/checkout", "/checkout", userId, email, product, quantity, "api"));
    for (int c = 0; c < CHILDREN.length; c++) {
      String service = CHILDREN[c];
      int status = (c == 2 && failure == 0) ? 503 : (c == 1 && failure > 0 && failure <= 2) ? 400 : 200;
      spans.add(span(traceId, hex(random.nextLong() | 1), rootId, service, "POST " + CHILD_ROUTES[c],
          childStart, durations[c], status, "http://" + service + ":8080" + CHILD_ROUTES[c],
          CHILD_ROUTES[c], userId, email, product, quantity, service));
      childStart += durations[c] + 50;
    }
    return new CheckoutTrace(index, traceId, email, List.copyOf(spans));
  }

  private static LogicalSpan span(String traceId, String spanId, String parentId, String service,
      String name, long start, long duration, int status, String url, String route, String userId,
      String email, String product, int quantity, String step) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("http.request.method", "POST");
    attributes.put("url.full", url);
    attributes.put("http.route", route);
    attributes.put("http.response.status_code", (long) status);
    attributes.put("user.id", userId);
    attributes.put("user.email", email);
    attributes.put("server.address", service);
    attributes.put("http.request.body", body(email, product, quantity, step));
    return new LogicalSpan(traceId, spanId, parentId, service, name, start, duration, status,
        Collections.unmodifiableMap(attributes));
  }

  /** A checkout form as the Node agent would capture it, card fields already redacted: ~300 bytes. */
  static String body(String email, String product, int quantity, String step) {
    return "{\"step\":\"" + step + "\",\"customer\":{\"email\":\"" + email
        + "\",\"name\":\"Ivan Petrov\"},"
        + "\"items\":[{\"sku\":\"" + product + "-500g\",\"name\":\"" + product
        + "\",\"quantity\":" + quantity + ",\"unitPrice\":4.95}],"
        + "\"shipping\":{\"street\":\"221B Baker Street\",\"city\":\"London\",\"postcode\":\"NW1 6XE\","
        + "\"method\":\"express\"},\"payment\":{\"card\":\"[redacted]\",\"cvv\":\"[redacted]\"},"
        + "\"coupon\":null}";
  }

  private static String hex(long value) {
    String s = Long.toHexString(value);
    return "0".repeat(16 - s.length()) + s;
  }
}
