import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * payment: charges the customer. Plain JDK, no tracing code: the OpenTelemetry Java agent traces it
 * and continues the browser's trace from the traceparent header. Fault (c): when "slow", every
 * charge takes 5 seconds.
 *
 * <p>Run with {@code java -javaagent:opentelemetry-javaagent.jar Payment.java}; PORT picks the port.
 */
public class Payment {
  private static final Pattern AMOUNT = Pattern.compile("\"amountCents\"\\s*:\\s*(\\d+)");
  private static final Pattern SLOW = Pattern.compile("\"slow\"\\s*:\\s*(true|false)");

  private static volatile boolean slow = "true".equals(System.getenv("SHOP_FAULT_SLOW_PAYMENT"));

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "0"));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    // One thread per request, so a slow charge does not hold up the others.
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/charge", Payment::charge);
    server.createContext("/admin/fault", Payment::setFault);
    server.start();
    System.out.println("payment listening on http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void charge(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      respond(exchange, 405, "{\"error\":\"use POST\"}");
      return;
    }
    Matcher amount = AMOUNT.matcher(body(exchange));
    if (!amount.find()) {
      respond(exchange, 400, "{\"error\":\"amountCents is required\"}");
      return;
    }
    if (slow) {
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    respond(exchange, 200, "{\"paymentId\":\"" + UUID.randomUUID() + "\",\"amountCents\":" + amount.group(1) + "}");
  }

  private static void setFault(HttpExchange exchange) throws IOException {
    Matcher value = SLOW.matcher(body(exchange));
    if (!"PUT".equals(exchange.getRequestMethod()) || !value.find()) {
      respond(exchange, 400, "{\"error\":\"send PUT {\\\"slow\\\": true|false}\"}");
      return;
    }
    slow = Boolean.parseBoolean(value.group(1));
    respond(exchange, 200, "{\"slow\":" + slow + "}");
  }

  private static String body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    }
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
