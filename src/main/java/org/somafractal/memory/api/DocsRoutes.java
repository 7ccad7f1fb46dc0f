package org.somafractal.memory.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The self-description of the API: the OpenAPI document and a Swagger UI page for it. Swagger UI's files come from
 * the {@code org.webjars:swagger-ui} jar on the classpath, so the page works offline and without a CDN; only the
 * small page that starts it, pointed at {@code /openapi.json}, is ours.
 */
final class DocsRoutes {
  /** Where Swagger UI's own files are served; the router registers {@code ASSETS + "*"}. */
  static final String ASSETS = "/docs/";
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  private static final String INITIALIZER = """
      window.onload = function () {
        window.ui = SwaggerUIBundle({
          url: "/openapi.json",
          dom_id: "#swagger-ui",
          deepLinking: true,
          presets: [SwaggerUIBundle.presets.apis],
          layout: "BaseLayout"
        });
      };
      """;

  private final String document;
  private final String page;
  private final StaticHandler assets;

  DocsRoutes(JsonObject openApi) {
    this.document = openApi.encode();
    this.page = page();
    // The webjar keeps its files under a versioned folder; reading the version from the jar itself keeps the
    // path right when the dependency is upgraded.
    this.assets = StaticHandler.create(WEBJAR + webjarVersion()).setCachingEnabled(true).setDirectoryListing(false);
  }

  /** {@code GET /openapi.json}. */
  void openApi(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", OpenApiSpec.JSON).end(document);
  }

  /** {@code GET /docs}: the Swagger UI page. */
  void page(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page);
  }

  /**
   * {@code GET /docs/*}: Swagger UI's scripts and styles. The webjar's own start page and initializer point at the
   * public petstore example, so those two names answer ours instead.
   */
  void assets(RoutingContext ctx) {
    switch (ctx.normalizedPath()) {
      case ASSETS, ASSETS + "index.html" -> page(ctx);
      case ASSETS + "swagger-initializer.js" ->
          ctx.response().putHeader("Content-Type", "text/javascript; charset=utf-8").end(INITIALIZER);
      default -> assets.handle(ctx);
    }
  }

  private static String page() {
    // Absolute asset paths: the page is served at /docs (no trailing slash), where relative ones would resolve
    // against the root.
    return """
        <!DOCTYPE html>
        <html lang="en">
          <head>
            <meta charset="UTF-8">
            <title>SomaFractalMemory API</title>
            <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css">
            <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
          </head>
          <body>
            <div id="swagger-ui"></div>
            <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
            <script src="/docs/swagger-initializer.js" charset="UTF-8"></script>
          </body>
        </html>
        """;
  }

  static String webjarVersion() {
    try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IllegalStateException("The swagger-ui webjar is not on the classpath (" + WEBJAR_POM + ")");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
