package org.somafractal.memory.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code /openapi.json} in step with the router: every (method, path) the router serves must be in the
 * document and the document may list nothing else; every reference resolves; real responses have the documented
 * shapes.
 */
class OpenApiTest {
  private static final String TOKEN = "openapi-token";
  /** Served but not API operations: Swagger UI's own files, a prefix route OpenAPI cannot express. */
  private static final Set<String> NOT_OPERATIONS = Set.of("GET " + DocsRoutes.ASSETS + "*");

  private static TestServer server;
  private static JsonObject doc;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("SOMA_API_TOKEN", TOKEN));
    TestServer.Resp r = server.get("/openapi.json", null);
    assertThat(r.status()).as("/openapi.json needs no token").isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).startsWith("application/json");
    doc = r.json();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Set<String> documented() {
    Set<String> out = new TreeSet<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        out.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path);
      }
    }
    return out;
  }

  @Test
  void documentListsExactlyTheServedRoutes() {
    Set<String> served = new TreeSet<>(server.server.httpVerticles().get(0).servedOperations());
    assertThat(served).as("the router lists its operations").contains("POST /memories", "GET /memories/{coord}");
    served.removeAll(NOT_OPERATIONS);
    Set<String> documented = documented();

    Set<String> missing = new TreeSet<>(served);
    missing.removeAll(documented);
    Set<String> extra = new TreeSet<>(documented);
    extra.removeAll(served);
    assertThat(missing.isEmpty() && extra.isEmpty())
        .as("/openapi.json and the router disagree.%n"
            + "Served but not described (add one op(...) per route to OpenApiSpec.operations(), e.g. "
            + "ops.add(op(\"POST\", \"/graph/link\", \"linkMemories\", \"graph\", \"Link two memories\")"
            + ".auth().body(\"LinkRequest\").ok(\"LinkResult\").backend()), with any new component schema in "
            + "components()): %s%nDescribed but not served (remove from OpenApiSpec.operations()): %s",
            missing, extra)
        .isTrue();
  }

  @Test
  void documentIsOpenApi31WithBearerAndTenantHeaders() {
    assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
    assertThat(doc.getJsonObject("info").getString("version")).isEqualTo(AdminRoutes.VERSION);
    JsonObject components = doc.getJsonObject("components");
    assertThat(components.getJsonObject("securitySchemes").getJsonObject("bearer"))
        .isEqualTo(components.getJsonObject("securitySchemes").getJsonObject("bearer").copy()
            .put("type", "http").put("scheme", "bearer"));
    assertThat(components.getJsonObject("parameters").getJsonObject("Tenant").getString("name"))
        .isEqualTo("X-Soma-Tenant");
    assertThat(components.getJsonObject("parameters").getJsonObject("Namespace").getString("name"))
        .isEqualTo("X-Soma-Namespace");
    assertThat(components.getJsonObject("schemas").getJsonObject("Error").getJsonArray("required"))
        .isEqualTo(new JsonArray().add("detail").add("code"));
    assertThat(components.getJsonObject("schemas").fieldNames()).contains("Memory", "SearchResult", "Error");
  }

  @Test
  void everyOperationIsCompleteAndEveryReferenceResolves() {
    Set<String> ids = new HashSet<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        JsonObject op = paths.getJsonObject(path).getJsonObject(method);
        String name = method + " " + path;
        assertThat(ids.add(op.getString("operationId"))).as("unique operationId of " + name).isTrue();
        JsonObject responses = op.getJsonObject("responses");
        assertThat(responses.fieldNames()).as(name).contains("200", "405");
        boolean secured = op.containsKey("security");
        // Ask the server itself: without a token, a protected route answers 401 before reading anything else.
        String concrete = path.replace("{coord}", "1").replace("{id}", "x");
        int status = server.call(io.vertx.core.http.HttpMethod.valueOf(method.toUpperCase(java.util.Locale.ROOT)),
            concrete, null, "t", null).status();
        assertThat(secured).as(name + " is secured exactly when the router checks the token (answered " + status + ")")
            .isEqualTo(status == 401);
        if (secured) {
          assertThat(responses.fieldNames()).as(name).contains("400", "401");
          assertThat(op.getJsonArray("parameters").encode()).as(name).contains("Tenant", "Namespace");
        }
        if (op.containsKey("requestBody")) {
          assertThat(responses.fieldNames()).as(name).contains("413", "422");
        }
        if (path.contains("{coord}")) {
          assertThat(op.getJsonArray("parameters").encode()).as(name).contains("parameters/Coord");
        } else if (path.contains("{")) {
          String param = path.substring(path.indexOf('{') + 1, path.indexOf('}'));
          assertThat(op.getJsonArray("parameters").encode()).as(name).contains("\"name\":\"" + param + "\"");
        }
      }
    }
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(resolve(ref)).as("$ref " + ref + " resolves").isNotNull();
    }
  }

  @Test
  void responsesHaveTheDocumentedShapes() {
    String t = "openapi-shapes";
    JsonObject store = new JsonObject().put("coord", "1,2").put("memory_type", "semantic")
        .put("payload", new JsonObject().put("content", "green tea in the morning"));
    conforms("POST", "/memories", authed(HttpMethod.POST, "/memories", store, t));
    conforms("POST", "/memories/bulk", authed(HttpMethod.POST, "/memories/bulk",
        new JsonObject().put("items", new JsonArray().add(store.copy().put("coord", "3,4"))), t));
    conforms("GET", "/memories/{coord}", authed(HttpMethod.GET, "/memories/1,2", null, t));
    conforms("POST", "/memories/search", authed(HttpMethod.POST, "/memories/search",
        new JsonObject().put("query", "tea"), t));
    conforms("GET", "/memories/search", authed(HttpMethod.GET, "/memories/search?query=tea&mode=lexical", null, t));
    conforms("POST", "/memories/search/batch", authed(HttpMethod.POST, "/memories/search/batch",
        new JsonObject().put("queries", new JsonArray().add("tea").add("morning")), t));
    conforms("GET", "/memories/range", authed(HttpMethod.GET, "/memories/range?min=0,0&max=9,9", null, t));
    conforms("GET", "/stats", authed(HttpMethod.GET, "/stats", null, t));
    conforms("DELETE", "/memories/{coord}", authed(HttpMethod.DELETE, "/memories/1,2", null, t));
    TestServer.Resp audit = authed(HttpMethod.GET, "/admin/audit?limit=2", null, t);
    conforms("GET", "/admin/audit", audit);
    assertThat(audit.json().getJsonArray("entries")).as("the writes above are in the audit trail").hasSize(2);
    conforms("GET", "/", server.get("/", null));
    conforms("GET", "/health", server.get("/health", null));
    conforms("GET", "/healthz", server.get("/healthz", null));
    conforms("GET", "/readyz", server.get("/readyz", null));

    TestServer.Resp missing = authed(HttpMethod.GET, "/memories/1,2", null, t);
    assertThat(missing.status()).isEqualTo(404);
    checkShape(missing.json(), schema("Error"), "404 body");
    TestServer.Resp unauthorized = server.get("/memories/1,2", t);
    assertThat(unauthorized.status()).isEqualTo(401);
    checkShape(unauthorized.json(), schema("Error"), "401 body");
  }

  @Test
  void swaggerUiIsServedWithoutAToken() {
    TestServer.Resp page = server.get("/docs", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().get("Content-Type")).startsWith("text/html");
    assertThat(page.text()).contains("/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js");
    assertThat(server.get("/docs/swagger-initializer.js", null).text())
        .as("our initializer, not the webjar's petstore one").contains("url: \"/openapi.json\"")
        .doesNotContain("petstore");
    assertThat(server.get("/docs/", null).text()).isEqualTo(page.text());
    assertThat(server.get("/docs/index.html", null).text()).isEqualTo(page.text());
    for (String asset : List.of("/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css")) {
      TestServer.Resp r = server.get(asset, null);
      assertThat(r.status()).as(asset).isEqualTo(200);
      assertThat(r.text().length()).as(asset).isGreaterThan(10_000);
    }
    assertThat(server.get("/docs/no-such-file.js", null).status()).isEqualTo(404);
  }

  private static TestServer.Resp authed(HttpMethod method, String uri, JsonObject body, String tenant) {
    return server.call(method, uri, body, tenant, TOKEN);
  }

  private static void conforms(String method, String path, TestServer.Resp response) {
    assertThat(response.status()).as(method + " " + path + ": " + response).isEqualTo(200);
    JsonObject schema = doc.getJsonObject("paths").getJsonObject(path).getJsonObject(method.toLowerCase())
        .getJsonObject("responses").getJsonObject("200").getJsonObject("content")
        .getJsonObject(OpenApiSpec.JSON).getJsonObject("schema");
    checkShape(response.json(), schema, method + " " + path);
  }

  private static JsonObject schema(String name) {
    return doc.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
  }

  /**
   * A deliberately small check, enough to catch drift: objects hold every required field and no undocumented one;
   * arrays are checked item by item. {@code oneOf} and scalar types are not checked.
   */
  private static void checkShape(Object value, JsonObject schema, String where) {
    schema = flatten(schema);
    if (value instanceof JsonObject object && schema.containsKey("properties")) {
      JsonObject properties = schema.getJsonObject("properties");
      JsonArray required = schema.getJsonArray("required", new JsonArray());
      assertThat(object.fieldNames()).as(where + " has the required fields").containsAll(strings(required));
      assertThat(properties.fieldNames()).as(where + " has only documented fields")
          .containsAll(object.fieldNames());
      for (String field : object.fieldNames()) {
        checkShape(object.getValue(field), properties.getJsonObject(field), where + "." + field);
      }
    } else if (value instanceof JsonArray array && schema.containsKey("items")) {
      for (int i = 0; i < array.size(); i++) {
        checkShape(array.getValue(i), schema.getJsonObject("items"), where + "[" + i + "]");
      }
    }
  }

  /** Resolves a {@code $ref} and merges an {@code allOf} of object schemas into one. */
  private static JsonObject flatten(JsonObject schema) {
    if (schema.containsKey("$ref")) {
      return flatten((JsonObject) resolve(schema.getString("$ref")));
    }
    if (!schema.containsKey("allOf")) {
      return schema;
    }
    JsonObject properties = new JsonObject();
    JsonArray required = new JsonArray();
    for (Object part : schema.getJsonArray("allOf")) {
      JsonObject p = flatten((JsonObject) part);
      properties.mergeIn(p.getJsonObject("properties", new JsonObject()));
      required.addAll(p.getJsonArray("required", new JsonArray()));
    }
    return new JsonObject().put("type", "object").put("properties", properties).put("required", required);
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(String::valueOf).toList();
  }

  private static void collectRefs(Object node, List<String> out) {
    if (node instanceof JsonObject o) {
      if (o.getValue("$ref") instanceof String ref) {
        out.add(ref);
      }
      o.forEach(e -> collectRefs(e.getValue(), out));
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collectRefs(v, out));
    }
  }

  private static Object resolve(String ref) {
    Object node = doc;
    for (String part : ref.substring(2).split("/")) {
      if (!(node instanceof JsonObject o)) {
        return null;
      }
      node = o.getValue(part);
    }
    return node;
  }
}
