package org.somafractal.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.somafractal.memory.config.ConfigKey;
import org.somafractal.memory.config.Settings;
import org.somafractal.memory.testing.LocalServer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What can be checked of the deployment files without a container engine (there is none where this project is
 * built): {@code docker-compose.yml}, {@code Dockerfile} and {@code k8s/} parse; every image is pinned to a tag;
 * every file they build from or copy exists in the repository; ports and environment names are the server's own
 * (config.Settings); the image runs the jar the build makes with bin/soma's JVM flags; and the probes name routes a
 * running server answers.
 */
class DeploymentFilesTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Set<String> KEYS = Settings.ALL.stream().map(ConfigKey::name).collect(Collectors.toSet());
  /** name:tag (optionally registry/ and path), the tag neither missing nor "latest". */
  private static final Pattern PINNED = Pattern.compile("^[a-z0-9./_-]+(:[0-9][0-9a-z._-]*|:v[0-9][0-9a-z._-]*)$");

  private static Object yaml(String text) {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
  }

  private static List<Object> yamlDocuments(String text) {
    List<Object> out = new ArrayList<>();
    new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text).forEach(out::add);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<Object>) o;
  }

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path));
  }

  @Test
  void composeRunsEveryBackendFromPinnedImagesAndFilesOfTheRepository() throws IOException {
    Map<String, Object> compose = map(yaml(read("docker-compose.yml")));
    Map<String, Object> services = map(compose.get("services"));
    assertThat(services).containsKeys("postgres", "redis", "kafka", "qdrant", "api", "consumer");
    Set<String> volumes = map(compose.get("volumes")).keySet();
    assertThat(volumes).isNotEmpty();

    services.forEach((name, value) -> {
      Map<String, Object> service = map(value);
      assertThat((String) service.get("image")).as("%s's image", name).matches(PINNED);
      if (service.containsKey("build")) {
        Map<String, Object> build = map(service.get("build"));
        Path context = ROOT.resolve((String) build.get("context"));
        assertThat(context).as("%s's build context", name).isDirectory();
        assertThat(context.resolve((String) build.getOrDefault("dockerfile", "Dockerfile"))).isRegularFile();
      }
      for (Object mount : (List<?>) service.getOrDefault("volumes", List.of())) {
        String source = ((String) mount).split(":")[0];
        if (source.startsWith(".") || source.startsWith("/")) {
          assertThat(ROOT.resolve(source)).as("%s mounts %s", name, source).exists();
        } else {
          assertThat(volumes).as("%s's named volume", name).contains(source);
        }
      }
    });
    assertThat(map(services.get("kafka")).get("image").toString()).startsWith("apache/kafka:");
    assertThat(map(map(services.get("kafka")).get("environment")).get("KAFKA_PROCESS_ROLES").toString())
        .as("KRaft: the broker is its own controller").contains("broker").contains("controller");
    assertThat(map(services.get("postgres")).get("volumes")).asList().isNotEmpty();

    Map<String, Object> api = map(services.get("api"));
    Map<String, Object> apiEnv = map(api.get("environment"));
    assertThat(apiEnv).containsEntry("MEMORY_MODE", "evented_enterprise")
        .containsEntry("SOMA_API_PORT", String.valueOf(Settings.API_PORT.defaultValue()));
    assertThat(list(api.get("ports"))).contains(Settings.API_PORT.defaultValue() + ":"
        + Settings.API_PORT.defaultValue());
    assertThat(list(api.get("command"))).containsExactly("serve");
    Map<String, Object> consumer = map(services.get("consumer"));
    assertThat(list(consumer.get("command"))).containsExactly("consumer");
    assertThat(String.join(" ", list(map(consumer.get("healthcheck")).get("test")).stream().map(Object::toString)
        .toList())).as("the consumer's own health port").contains("/tcp/127.0.0.1/"
        + Settings.CONSUMER_METRICS_PORT.defaultValue()).contains("GET /healthz");
    for (Map<String, Object> soma : List.of(api, consumer)) {
      assertThat(map(soma.get("environment")).keySet()).as("names the server reads").allSatisfy(k ->
          assertThat(KEYS).contains(k));
    }
    assertThat((String) apiEnv.get("POSTGRES_URL")).startsWith("postgresql://").contains("@postgres:5432/");
    assertThat((String) apiEnv.get("REDIS_URL")).isEqualTo("redis://redis:6379");
  }

  @Test
  void theDockerfileBuildsWithTheWrapperAndRunsTheTestedJarAsBinSomaDoes() throws IOException {
    String dockerfile = read("Dockerfile");
    List<String> froms = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(dockerfile).results()
        .map(m -> m.group(1)).toList();
    assertThat(froms).as("multi-stage").hasSize(2).allSatisfy(image -> assertThat(image).matches(PINNED));
    assertThat(froms.get(0)).as("built on a JDK 25").contains(":25").contains("jdk");
    assertThat(froms.get(1)).as("run on a JRE").contains("jre");
    assertThat(dockerfile).contains("./mvnw -B -q -DskipTests package");

    Matcher copies = Pattern.compile("(?m)^COPY\\s+(?!--from)(.+)$").matcher(dockerfile);
    int copied = 0;
    while (copies.find()) {
      String[] parts = copies.group(1).trim().split("\\s+");
      for (int i = 0; i < parts.length - 1; i++) {
        assertThat(ROOT.resolve(parts[i])).as("COPY source %s", parts[i]).exists();
        copied++;
      }
    }
    assertThat(copied).isGreaterThanOrEqualTo(4);
    assertThat(dockerfile).contains("COPY --from=build /build/target/soma.jar /app/soma.jar");
    assertThat(read("pom.xml")).contains("<finalName>soma</finalName>");

    Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile);
    assertThat(user.find()).isTrue();
    assertThat(user.group(1)).isNotIn("root", "0");
    assertThat(dockerfile).containsPattern("(?m)^EXPOSE " + Settings.API_PORT.defaultValue() + "$");
    assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK .*\\n?.*/healthz");

    Matcher entry = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
    assertThat(entry.find()).isTrue();
    List<Object> command = list(yaml(entry.group(1)));
    String binSoma = read("bin/soma");
    List<String> flags = new ArrayList<>();
    Matcher modules = Pattern.compile("--add-modules jdk\\.incubator\\.vector").matcher(binSoma);
    assertThat(modules.find()).as("bin/soma adds the Vector API module").isTrue();
    flags.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    Matcher nativeAccess = Pattern.compile("--enable-native-access=\\S+").matcher(binSoma);
    assertThat(nativeAccess.find()).isTrue();
    flags.add(nativeAccess.group());
    Matcher pauseGoal = Pattern.compile("-XX:MaxGCPauseMillis=\\d+").matcher(binSoma);
    assertThat(pauseGoal.find()).as("bin/soma sets G1's pause goal").isTrue();
    flags.add(pauseGoal.group());
    assertThat(command.getFirst()).isEqualTo("java");
    assertThat(command).containsSubsequence(flags.toArray()).containsSubsequence("-jar", "/app/soma.jar");
  }

  @Test
  void theKubernetesManifestsParseAndProbeRoutesTheServerAnswers() throws Exception {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("k8s"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : yamlDocuments(Files.readString(f))) {
          docs.add(map(doc));
        }
      }
    }
    Map<String, List<Map<String, Object>>> byKind = docs.stream().collect(Collectors.groupingBy(
        d -> (String) d.get("kind")));
    assertThat(byKind).containsKeys("Deployment", "Service", "ConfigMap", "Secret", "Kustomization");

    for (Map<String, Object> kustomization : byKind.get("Kustomization")) {
      assertThat(list(kustomization.get("resources"))).allSatisfy(r ->
          assertThat(ROOT.resolve("k8s").resolve((String) r)).isRegularFile());
    }
    Map<String, Object> config = byKind.get("ConfigMap").getFirst();
    Map<String, Object> secret = byKind.get("Secret").getFirst();
    assertThat(map(config.get("data")).keySet()).allSatisfy(k -> assertThat(KEYS).contains(k));
    assertThat(map(secret.get("stringData"))).containsKeys("SOMA_API_TOKEN", "POSTGRES_URL", "SOMA_MASTER_KEY")
        .allSatisfy((k, v) -> {
          assertThat(KEYS).contains(k);
          assertThat(v).as("a template holds no secret").isEqualTo("REPLACE_ME");
        });
    Set<String> configNames = Set.of((String) map(config.get("metadata")).get("name"),
        (String) map(secret.get("metadata")).get("name"));

    List<String> probed = new ArrayList<>();
    for (Map<String, Object> deployment : byKind.get("Deployment")) {
      Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
      for (Object c : list(pod.get("containers"))) {
        Map<String, Object> container = map(c);
        assertThat((String) container.get("image")).matches(PINNED);
        for (Object from : list(container.get("envFrom"))) {
          Map<String, Object> ref = map(from);
          Map<String, Object> target = map(ref.getOrDefault("configMapRef", ref.get("secretRef")));
          assertThat(configNames).contains((String) target.get("name"));
        }
        if (list(container.get("args")).contains("consumer")) {
          Map<String, Object> live = map(map(container.get("livenessProbe")).get("httpGet"));
          assertThat(live.get("path")).isEqualTo("/healthz");
          assertThat(list(container.get("ports"))).anySatisfy(p -> {
            assertThat(map(p).get("name")).isEqualTo(live.get("port"));
            assertThat(map(p).get("containerPort")).isEqualTo(Settings.CONSUMER_METRICS_PORT.defaultValue());
          });
        }
        if (list(container.get("args")).contains("serve")) {
          assertThat(list(container.get("ports"))).anySatisfy(p -> assertThat(map(p).get("containerPort"))
              .isEqualTo(Settings.API_PORT.defaultValue()));
          assertThat(map(map(container.get("readinessProbe")).get("httpGet")).get("path")).isEqualTo("/readyz");
          assertThat(map(map(container.get("livenessProbe")).get("httpGet")).get("path")).isEqualTo("/healthz");
          for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            if (container.containsKey(probe)) {
              probed.add((String) map(map(container.get(probe)).get("httpGet")).get("path"));
            }
          }
        }
      }
    }
    Map<String, Object> service = byKind.get("Service").getFirst();
    assertThat(list(map(service.get("spec")).get("ports"))).anySatisfy(p -> assertThat(map(p).get("port"))
        .isEqualTo(Settings.API_PORT.defaultValue()));

    assertThat(probed).isNotEmpty();
    HttpClient http = HttpClient.newHttpClient();
    try (LocalServer server = LocalServer.start(Map.of())) {
      for (String path : probed) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("GET %s", path).isEqualTo(200);
      }
    }
  }
}
