package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.auth.RoutePolicy;

/**
 * Seeded random hostile input against every operation of the served OpenAPI document: random bytes, invalid UTF-8,
 * truncated JSON, huge strings, deep nesting, a wrong type in one field, NaN/Infinity/1e999 literals, garbage tenant
 * headers, mismatched Content-Types, random coordinates and query strings. The server must never answer 5xx or show a
 * stack trace, every error body is JSON with a {@code detail}, it still answers {@code /healthz} afterwards, and a
 * tenant whose every write was rejected is unchanged. Deterministic: one fixed seed, a bounded number of requests.
 */
class HttpFuzzTest {
  /** Fixed; {@code -Dsoma.fuzz.seed=N} explores another sequence, which the failure message then replays. */
  private static final long SEED = Long.getLong("soma.fuzz.seed", 0x50AF_2026L);
  private static final int REQUESTS = 360;
  private static final long ANSWER_WITHIN_MS = 5_000;
  private static final String VICTIM = "fuzz-victim";
  private static final List<String> FIELDS = List.of("coord", "payload", "memory_type", "importance", "metadata",
      "vector", "query", "top_k", "offset", "mode", "filters", "queries", "items", "context", "coords", "filter", "all",
      "from_coord", "to_coord", "link_type", "strength", "weight", "term", "exact", "type", "content", "namespace",
      "hybrid", "created_after");
  private static final List<String> QUERY_PARAMS = List.of("query", "top_k", "offset", "min", "max", "coord",
      "from_coord", "to_coord", "frm", "to", "k", "limit", "embeddings", "memory_type", "replace", "filters", "hybrid",
      "link_type", "mode", "weighted");
  private static final List<String> CONTENT_TYPES = List.of("application/json", "text/plain",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz", "application/json; charset=latin1",
      "application/x-ndjson", "garbage/\u00e9", "");

  private static TestServer server;
  private final Random random = new Random(SEED);

  @BeforeAll
  static void start() {
    // Limits that never refuse, so the rate-limit handler also sees every hostile request.
    server = TestServer.start(Map.of("SOMA_MAX_REQUEST_BODY_MB", "1", "SOMA_RATE_LIMIT_PER_SECOND", "1000000",
        "SOMA_CREDENTIAL_RATE_LIMIT_PER_SECOND", "1000000"));
    for (String coord : List.of("1,2", "3,4", "5")) {
      assertThat(server.post("/memories", new JsonObject().put("coord", coord)
          .put("payload", new JsonObject().put("content", "victim memory " + coord)), VICTIM).status()).isEqualTo(200);
    }
    assertThat(server.post("/graph/link", new JsonObject().put("from_coord", "1,2").put("to_coord", "3,4"), VICTIM)
        .status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** One request as sent, for the failure message: enough to replay it. */
  private record Sent(HttpMethod method, String uri, String tenant, String contentType, String bodyHead) {
    @Override
    public String toString() {
      return "[seed " + SEED + "] " + method + " " + abbreviate(uri) + " tenant=" + abbreviate(tenant) + " type=" + contentType + " body="
          + abbreviate(bodyHead);
    }
  }

  @Test
  void hostileRequestsGetJsonClientErrorsAndChangeNothingTheyReject() {
    List<String[]> operations = documentedOperations();
    String victimBefore = exportOf(VICTIM);
    JsonObject victimStatsBefore = server.get("/stats", VICTIM).json();
    List<String[]> writes = operations.stream().filter(HttpFuzzTest::isWrite).toList();
    assertThat(writes).hasSizeGreaterThan(8);

    for (int i = 0; i < REQUESTS; i++) {
      String[] op = operations.get(random.nextInt(operations.size()));
      HttpMethod method = random.nextInt(12) == 0 ? pick(List.of(HttpMethod.PUT, HttpMethod.PATCH))
          : HttpMethod.valueOf(op[0]);
      String uri = concrete(op[1]) + (random.nextBoolean() ? "?" + randomQuery() : "");
      byte[] body = method == HttpMethod.GET && random.nextInt(3) > 0 ? null : hostileBody();
      assertWellBehaved(send(method, uri, randomTenant(), randomContentType(), body, randomHeaders()));
    }
    for (int i = 0; i < REQUESTS / 6; i++) {
      String[] op = writes.get(random.nextInt(writes.size()));
      TestServer.Resp r = assertWellBehaved(send(HttpMethod.valueOf(op[0]), op[1], VICTIM, "application/json",
          malformedJson(), Map.of()));
      assertThat(isRejected(r)).as("a malformed body to " + op[1] + " was accepted: " + r).isTrue();
    }
    assertWellBehaved(send(HttpMethod.GET, "/stats", "t".repeat(6000), null, null, Map.of()));
    assertThat(assertWellBehaved(send(HttpMethod.POST, "/memories/search", "fuzz-headers", "application/json",
        utf8("{\"query\":\"x\"}"), Map.of("X-Fuzz", "v".repeat(10_000)))).status()).isEqualTo(431);
    assertThat(assertWellBehaved(send(HttpMethod.GET, "/memories/search?query=" + "q".repeat(10_000), "fuzz-headers",
        null, null, Map.of())).status()).isEqualTo(414);

    assertThat(server.get("/healthz", null).status()).isEqualTo(200);
    assertThat(exportOf(VICTIM)).as("the victim's export after only rejected writes").isEqualTo(victimBefore);
    assertThat(server.get("/stats", VICTIM).json()).isEqualTo(victimStatsBefore);
  }

  /** The cases the fuzzing found, replayed by name. */
  @Test
  void formContentTypesAndBadEscapesGetJsonAnswers() {
    TestServer.Resp health = assertWellBehaved(send(HttpMethod.GET, "/healthz", null, "multipart/form-data; boundary=zz",
        utf8("x"), Map.of()));
    assertThat(health.status()).isEqualTo(200);
    TestServer.Resp search = assertWellBehaved(send(HttpMethod.POST, "/memories/search", "fuzz-form",
        "application/x-www-form-urlencoded", utf8("{\"query\":\"100% sure " + "y".repeat(9000) + "\"}"), Map.of()));
    assertThat(search.status()).as("a JSON body is read as JSON whatever its declared type").isEqualTo(200);
    assertThat(assertWellBehaved(send(HttpMethod.GET, "/memories/search?query=%", "fuzz-form", null, null, Map.of()))
        .status()).isEqualTo(400);
    assertThat(assertWellBehaved(send(HttpMethod.DELETE, "/memories/1,2?x=%zz", "fuzz-form", null, null, Map.of()))
        .status()).isEqualTo(400);
  }

  private static boolean isWrite(String[] op) {
    String operation = op[0] + " " + op[1];
    return op[0].equals("POST") && RoutePolicy.of(operation).map(n -> !n.isPublic()
        && !n.scope().name().endsWith("READ")).orElse(false);
  }

  /** Rejected: a 4xx, or an import that took no line. */
  private static boolean isRejected(TestServer.Resp r) {
    if (r.status() >= 400) {
      return true;
    }
    return r.json() != null && r.json().containsKey("imported") && r.json().getLong("imported", 0L) == 0L
        && r.json().getLong("links", 0L) == 0L;
  }

  private static TestServer.Resp assertWellBehaved(SentAndAnswered exchange) {
    TestServer.Resp r = exchange.response();
    String text = r.text() == null ? "" : r.text();
    assertThat(r.status()).as(exchange.sent() + " -> " + abbreviate(text)).isLessThan(500);
    assertThat(text).as(exchange.sent() + " shows a stack trace").doesNotContain("Exception").doesNotContain("\tat ");
    if (r.status() >= 400) {
      assertThat(r.json()).as(exchange.sent() + " error body is not JSON: " + abbreviate(text)).isNotNull();
      assertThat(r.json().getString("detail")).as(exchange.sent() + " error without detail").isNotBlank();
    }
    return r;
  }

  private record SentAndAnswered(Sent sent, TestServer.Resp response) {
  }

  private static SentAndAnswered send(HttpMethod method, String uri, String tenant, String contentType, byte[] body,
      Map<String, String> headers) {
    HttpRequest<Buffer> request = server.client.request(method, uri);
    if (tenant != null) {
      request.putHeader("X-Soma-Tenant", tenant);
    }
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    headers.forEach(request::putHeader);
    request.timeout(ANSWER_WITHIN_MS);
    String head = body == null ? null : new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
    Sent sent = new Sent(method, uri, tenant, contentType, head);
    HttpResponse<Buffer> response;
    try {
      response = TestServer.await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
    } catch (IllegalStateException unanswered) {
      throw new AssertionError(sent + " got no answer: " + unanswered.getMessage(), unanswered);
    }
    String text = response.bodyAsString();
    JsonObject json = null;
    if (text != null && text.startsWith("{")) {
      try {
        json = new JsonObject(text);
      } catch (RuntimeException notJson) {
        json = null;
      }
    }
    return new SentAndAnswered(sent, new TestServer.Resp(response.statusCode(), json, text, response.headers()));
  }

  private static List<String[]> documentedOperations() {
    JsonObject paths = server.get("/openapi.json", null).json().getJsonObject("paths");
    List<String[]> out = new ArrayList<>();
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
          out.add(new String[] {method.toUpperCase(), path});
        }
      }
    }
    assertThat(out).hasSizeGreaterThan(30);
    return out;
  }

  private static String exportOf(String tenant) {
    TestServer.Resp r = server.get("/memories/export?embeddings=true", tenant);
    assertThat(r.status()).isEqualTo(200);
    return r.text();
  }

  private String concrete(String path) {
    return path.replace("{coord}", randomCoordinate()).replace("{id}", randomToken());
  }

  private String randomCoordinate() {
    return pick(List.<Supplier<String>>of(
        () -> random.nextInt(100) + "," + random.nextInt(100),
        () -> Double.toString(random.nextGaussian() * 1e300),
        () -> pick(List.of("nan", "NaN,1", "inf", "-Infinity", "1e999", "1,,2", ",", "", "%00", "..%2F..%2Fetc",
            "%zz", "%", "%C3%28", "%E2%82", "%F0%9F%92%A9", "1;2", "0x10", "1_000", "\u00fc")),
        () -> "1,".repeat(random.nextInt(3000)) + "1",
        () -> randomToken())).get();
  }

  private String randomToken() {
    String alphabet = "abcXYZ019-_.~%!$&'()*+,;=:@";
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(40);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private String randomQuery() {
    StringBuilder sb = new StringBuilder();
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append('&');
      }
      sb.append(random.nextInt(10) == 0 ? randomToken() : pick(QUERY_PARAMS)).append('=').append(pick(List.of(
          "", "x", "-1", "0", "2.5", "1e999", "NaN", "Infinity", "99999999999999999999", "true", "maybe", "%zz", "%",
          "%7Bbad", "%7B%22a%22%3A1%7D", "%5B1%2C2%5D", "1,2,3", "a".repeat(20000), randomCoordinate(), randomToken())));
    }
    return sb.toString();
  }

  private String randomTenant() {
    return pick(List.<Supplier<String>>of(
        () -> null,
        () -> "fuzz-" + random.nextInt(5),
        () -> "",
        () -> pick(List.of("../..", "*", "default", "_health", "a b", "x;y", "brain:", ":", "\u00e9t\u00e9")),
        () -> printable(random.nextInt(300)),
        () -> printable(4000))).get();
  }

  private Map<String, String> randomHeaders() {
    return switch (random.nextInt(6)) {
      case 0 -> Map.of("X-Soma-Namespace", pick(List.of("brain:", "brain:" + printable(50), ":", "brain:fuzz-1")));
      case 1 -> Map.of("Authorization", pick(List.of("Bearer", "Bearer " + printable(300), "Basic Og==", "")));
      case 2 -> Map.of("Content-Encoding", pick(List.of("gzip", "br", "identity", "zz")));
      default -> Map.of();
    };
  }

  private String randomContentType() {
    return random.nextInt(5) == 0 ? null : pick(CONTENT_TYPES);
  }

  private String printable(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) (0x21 + random.nextInt(0x7e - 0x21)));
    }
    return sb.toString();
  }

  private byte[] hostileBody() {
    return pick(List.<Supplier<byte[]>>of(
        this::malformedJson,
        () -> utf8(wrongTypeInOneField()),
        () -> utf8(wrongTypeInOneField()),
        () -> utf8(new JsonObject().put(pick(FIELDS), "z".repeat(200_000 + random.nextInt(50_000))).encode()),
        () -> utf8("{\"query\":\"" + "\\u0000".repeat(2000) + "\"}"),
        () -> new byte[0])).get();
  }

  /** A body no JSON parser accepts, or one nested far too deep. */
  private byte[] malformedJson() {
    return pick(List.<Supplier<byte[]>>of(
        () -> {
          byte[] bytes = new byte[random.nextInt(2000)];
          random.nextBytes(bytes);
          return bytes;
        },
        () -> new byte[] {'{', '"', 'q', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'},
        () -> {
          String valid = wrongTypeInOneField();
          return utf8(valid.substring(0, random.nextInt(Math.max(1, valid.length() - 1))));
        },
        () -> utf8("[".repeat(5000 + random.nextInt(5000)) + "]".repeat(100)),
        () -> utf8("{\"a\":".repeat(5000 + random.nextInt(5000)) + "1" + "}".repeat(5000)),
        () -> utf8("{\"" + pick(FIELDS) + "\": " + pick(List.of("NaN", "Infinity", "-Infinity", "01", "+1", "0x1F",
            "'single'", "undefined", "1e999 1")) + "}"),
        () -> utf8("{\"coord\":\"1,2\",\"payload\":{}}}}"),
        () -> utf8("{\"coord\":\"1,2\",\"payload\":{\"content\":\"x\"}"))).get();
  }

  /** Every field the API knows, mostly with a plausible value, one of them with a value of a wrong type. */
  private String wrongTypeInOneField() {
    JsonObject body = new JsonObject().put("coord", "1,2").put("payload", new JsonObject().put("content", "fuzz"))
        .put("query", "fuzz").put("queries", new JsonArray().add("fuzz")).put("term", "fuzz").put("content", "fuzz")
        .put("from_coord", "1,2").put("to_coord", "3,4")
        .put("items", new JsonArray().add(new JsonObject().put("coord", "9").put("payload", new JsonObject())));
    String field = pick(FIELDS);
    Object wrong = pick(List.of(-1, 0, 3.5, Long.MAX_VALUE, "", "  ", "x".repeat(5000), true, new JsonArray(),
        new JsonArray().add(new JsonArray().add(new JsonObject())), new JsonObject().put("$gt", 1),
        new JsonObject().put("nested", new JsonObject().put("deeper", new JsonArray().add(1)))));
    String encoded = body.put(field, wrong).encode();
    if (random.nextInt(4) == 0) {
      encoded = encoded.replaceFirst("\"" + field + "\":[^,}]*", "\"" + field + "\":" + pick(List.of("NaN", "1e999",
          "-1e999", "Infinity", "1" + "0".repeat(400), "null")));
    }
    return encoded;
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 200 ? s : s.substring(0, 200) + "...(" + s.length() + " chars)";
  }
}
