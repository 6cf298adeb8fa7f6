package dev.feed.helm;

import static dev.feed.helm.Manifests.at;
import static dev.feed.helm.Manifests.container;
import static dev.feed.helm.Manifests.env;
import static dev.feed.helm.Manifests.envNames;
import static dev.feed.helm.Manifests.list;
import static dev.feed.helm.Manifests.map;
import static dev.feed.helm.Manifests.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * helm lint and helm template of helm/feed through helm-java (Helm as a native library, no helm
 * binary), with default values and with ci/cluster-values.yaml, and assertions on what renders.
 */
class ChartTest {
    static final Path CHART = Path.of(System.getProperty("feed.chart.dir", "feed")).toAbsolutePath();
    static final Path CLUSTER_VALUES = CHART.resolve("ci/cluster-values.yaml");
    /** The chart needs >= 1.28 (pod-index label); `helm template` alone assumes v1.20. */
    static final String KUBE_VERSION = "1.30.0";
    static final String RELEASE = "feed";

    static final String FEED = "feed-feed-service";
    static final String RELATION = "feed-relation-service";
    static final String WORKER = "feed-fanout-worker";
    static final List<String> COMPONENTS = List.of(FEED, RELATION, WORKER);

    static Manifests defaults;
    static Manifests cluster;

    @BeforeAll
    static void render() {
        assertThat(CHART.resolve("Chart.yaml")).exists();
        defaults = Manifests.parse(template(Map.of()));
        cluster = Manifests.parse(template(Map.of(), CLUSTER_VALUES));
    }

    static String template(Map<String, Object> sets, Path... valuesFiles) {
        TemplateCommand cmd = new Helm(CHART).template().withName(RELEASE).withNamespace("feed")
                .withKubeVersion(KUBE_VERSION);
        for (Path f : valuesFiles) {
            cmd = cmd.withValuesFile(f);
        }
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            cmd = cmd.set(e.getKey(), e.getValue());
        }
        return cmd.call();
    }

    // --- lint -------------------------------------------------------------------------------------

    @Test
    void lint_defaults_passesStrict() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void lint_clusterValues_passesStrict(@TempDir Path tmp) throws IOException {
        Path chart = copyChartWithValues(tmp, load(CLUSTER_VALUES));
        LintResult result = new Helm(chart).lint().strict().call();
        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
    }

    @Test
    void lint_badValue_failsOnTheSchema(@TempDir Path tmp) throws IOException {
        Path chart = copyChartWithValues(tmp, Map.of("feedService", Map.of("replicas", -1), "redis", Map.of("mode", "bogus")));
        LintResult result = new Helm(chart).lint().call();
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("replicas").contains("mode");
    }

    // --- values.schema.json and template checks reject bad values ---------------------------------

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "feedService.replicas|-1|/feedService/replicas': minimum",
            "relationService.replicas|-3|/relationService/replicas': minimum",
            "feedService.replicas|2000|/feedService/replicas': maximum",
            "redis.mode|bogus|/redis/mode': value must be one of",
            "redis.url|http://not-redis:6379|/redis/url'",
            "cassandra.consistency|SOMETIMES|/cassandra/consistency'",
            "postgres.url|mysql://db/feed|/postgres/url'",
            "kafka.bootstrap|''|/kafka/bootstrap'",
            "inbox.ttl|seven days|/inbox/ttl'",
            "image.pullPolicy|Sometimes|/image/pullPolicy'",
            "feedService.resources.requests.cpu|lots|/feedService/resources/requests/cpu'",
            "fanoutWorker.autoscaling.targetCPUUtilizationPercentage|150|targetCPUUtilizationPercentage': maximum",
            "feedServce.replicas|2|additional properties 'feedServce' not allowed",
            "tiers.pushBelow|20000|tiers.pushBelow must be <= tiers.pullAt",
            "jwt.publicKey.existingSecret|feed-jwt|jwt.publicKey: set exactly one of",
            "tracing.sampleRatio|2|/tracing/sampleRatio'",
            "tracing.sampleRatio|lots|/tracing/sampleRatio'",
            "tracing.endpoint|collector:4317|/tracing/endpoint'",
            "tracing.enabled|true|tracing.endpoint is required when tracing.enabled",
    })
    void template_badValue_failsWithAMessageNamingIt(String key, String value, String message) {
        assertThatThrownBy(() -> template(Map.of(key, value))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(message);
    }

    @Test
    void template_clusterModeWithoutNodes_fails() {
        assertThatThrownBy(() -> template(Map.of("redis.mode", "cluster"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nodes");
    }

    @Test
    void template_hpaMinAboveMax_fails() {
        assertThatThrownBy(() -> template(Map.of("fanoutWorker.autoscaling.enabled", true,
                "fanoutWorker.autoscaling.minReplicas", 9, "fanoutWorker.autoscaling.maxReplicas", 3)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("minReplicas");
    }

    // --- every service: probes, resources, security ------------------------------------------------

    @Test
    void everyService_hasHealthProbesOnTheManagementPort_resourcesAndRunsAsNonRoot() {
        for (Manifests m : List.of(defaults, cluster)) {
            for (String name : COMPONENTS) {
                Map<String, Object> workload = m.workload(name);
                Map<String, Object> c = container(workload);
                assertThat(str(c, "livenessProbe", "httpGet", "path")).as(name).isEqualTo("/q/health/live");
                assertThat(str(c, "readinessProbe", "httpGet", "path")).as(name).isEqualTo("/q/health/ready");
                assertThat(str(c, "startupProbe", "httpGet", "path")).as(name).isEqualTo("/q/health/started");
                for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    // health is on the Quarkus management interface: the API port answers 404 for it
                    assertThat(str(c, probe, "httpGet", "port")).as(name + " " + probe).isEqualTo("management");
                }
                for (String kind : List.of("requests", "limits")) {
                    assertThat(map(c, "resources", kind)).as(name + " " + kind).containsKey("memory");
                }
                assertThat(map(c, "resources", "requests")).as(name).containsKey("cpu");
                assertThat(at(workload, "spec", "template", "spec", "securityContext", "runAsNonRoot")).isEqualTo(true);
                assertThat(at(c, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
                assertThat(str(c, "image")).as(name).isNotBlank();
            }
        }
    }

    @Test
    void ports_matchTheServices_apiAndManagement() {
        Map<String, Integer> api = Map.of(FEED, 8080, RELATION, 8081, WORKER, 8082);
        Map<String, Integer> management = Map.of(FEED, 8100, RELATION, 8101, WORKER, 8102);
        for (String name : COMPONENTS) {
            Map<String, Object> c = container(defaults.workload(name));
            assertThat(str(c, "ports", 0, "name")).isEqualTo("http");
            assertThat(at(c, "ports", 0, "containerPort")).as(name).isEqualTo(api.get(name));
            assertThat(str(c, "ports", 1, "name")).isEqualTo("management");
            assertThat(at(c, "ports", 1, "containerPort")).as(name).isEqualTo(management.get(name));
            assertThat(value(c, "QUARKUS_HTTP_PORT")).as(name).isEqualTo(api.get(name).toString());
            assertThat(value(c, "QUARKUS_MANAGEMENT_PORT")).as(name).isEqualTo(management.get(name).toString());
            assertThat(map(defaults.workload(name), "spec", "template", "metadata", "annotations"))
                    .as(name + " prometheus.io annotations").containsEntry("prometheus.io/port", management.get(name).toString());
            Map<String, Object> svc = defaults.get("Service", name);
            assertThat(str(svc, "spec", "ports", 0, "targetPort")).isEqualTo("http");
            assertThat(str(svc, "spec", "ports", 1, "name")).isEqualTo("management");
            assertThat(str(svc, "spec", "ports", 1, "targetPort")).isEqualTo("management");
            assertThat(at(svc, "spec", "ports", 1, "port")).isEqualTo(management.get(name));
            assertThat(map(svc, "spec", "selector")).containsEntry("app.kubernetes.io/component", name.substring("feed-".length()));
        }
        assertThat(str(defaults.get("Service", FEED + "-headless"), "spec", "clusterIP")).isEqualTo("None");
    }

    @Test
    void replicasAndResources_comeFromValues() {
        assertThat(at(defaults.workload(FEED), "spec", "replicas")).isEqualTo(3);
        assertThat(at(defaults.workload(RELATION), "spec", "replicas")).isEqualTo(2);
        assertThat(at(cluster.workload(WORKER), "spec", "replicas")).isEqualTo(4);
        Manifests m = Manifests.parse(template(Map.of("relationService.replicas", 5,
                "relationService.resources.limits.memory", "1Gi")));
        assertThat(at(m.workload(RELATION), "spec", "replicas")).isEqualTo(5);
        assertThat(str(container(m.workload(RELATION)), "resources", "limits", "memory")).isEqualTo("1Gi");
    }

    // --- configuration each service needs ---------------------------------------------------------

    @Test
    void feedService_isAStatefulSetWithItsConfig() {
        Map<String, Object> sts = defaults.get("StatefulSet", FEED);
        assertThat(str(sts, "spec", "serviceName")).isEqualTo(FEED + "-headless");
        // One pod at a time: the CQL migrations never run concurrently.
        assertThat(str(sts, "spec", "podManagementPolicy")).isEqualTo("OrderedReady");
        Map<String, Object> c = container(sts);
        assertThat(envNames(c)).contains("FEED_CASSANDRA_CONTACT_POINTS", "FEED_CASSANDRA_DC", "FEED_CASSANDRA_KEYSPACE",
                "FEED_CASSANDRA_REPLICATION", "FEED_REDIS_URL", "FEED_REDIS_TYPE", "FEED_KAFKA_BOOTSTRAP", "FEED_RELATION_URL",
                "FEED_JWT_PUBLIC_KEY", "FEED_JWT_ISSUER", "FEED_INTERNAL_TOKEN", "FEED_INSTANCE_ID", "FEED_WORKER_ID",
                "FEED_INBOX_TTL", "FEED_INBOX_MAX_ENTRIES", "FEED_OUTBOX_MAX_ENTRIES", "FEED_LOG_JSON");
        assertThat(envNames(c)).doesNotHaveDuplicates().doesNotContain("FEED_PG_URL", "FEED_PG_PASSWORD");
        assertThat(value(c, "FEED_CASSANDRA_CONTACT_POINTS")).isEqualTo("cassandra:9042");
        assertThat(value(c, "FEED_CASSANDRA_DC")).isEqualTo("datacenter1");
        assertThat(value(c, "FEED_CASSANDRA_REPLICATION")).contains("NetworkTopologyStrategy");
        assertThat(value(c, "FEED_REDIS_TYPE")).isEqualTo("standalone");
        assertThat(value(c, "FEED_REDIS_URL")).isEqualTo("redis://redis-master:6379");
        // relation-service's /internal API is on its management port
        assertThat(value(c, "FEED_RELATION_URL")).isEqualTo("http://" + RELATION + ":8101");
        assertSecretRef(c, "FEED_INTERNAL_TOKEN", "feed-internal-token", "token");
        // Instance id: the pod name; Snowflake worker id: the StatefulSet ordinal, unique per replica.
        assertThat(str(env(c, "FEED_INSTANCE_ID"), "valueFrom", "fieldRef", "fieldPath")).isEqualTo("metadata.name");
        assertThat(str(env(c, "FEED_WORKER_ID"), "valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']");
        assertThat(str(env(c, "FEED_PUBLISH_WORKER_ID"), "valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("metadata.labels['apps.kubernetes.io/pod-index']");
        assertJwtKeyMounted(sts, "configMap", "feed-jwt-public-key");
    }

    @Test
    void relationService_hasPostgresTiersAndSecrets() {
        Map<String, Object> c = container(defaults.get("Deployment", RELATION));
        assertThat(envNames(c)).contains("FEED_PG_URL", "FEED_PG_USER", "FEED_PG_PASSWORD", "FEED_PG_POOL_SIZE",
                "FEED_KAFKA_BOOTSTRAP", "FEED_TIER_PULL_AT", "FEED_TIER_PUSH_BELOW", "FEED_JWT_PUBLIC_KEY",
                "FEED_INTERNAL_TOKEN", "FEED_REDIS_URL", "FEED_REDIS_TYPE"); // Redis: the rate limits' buckets
        assertThat(envNames(c)).doesNotHaveDuplicates().doesNotContain("FEED_CASSANDRA_CONTACT_POINTS");
        assertThat(value(c, "FEED_PG_URL")).isEqualTo("postgresql://postgres:5432/feed");
        assertThat(value(c, "FEED_PG_USER")).isEqualTo("feed");
        assertSecretRef(c, "FEED_PG_PASSWORD", "feed-postgres", "password");
        assertSecretRef(c, "FEED_INTERNAL_TOKEN", "feed-internal-token", "token");
        assertThat(value(c, "FEED_TIER_PULL_AT")).isEqualTo("10000");
        assertThat(value(c, "FEED_TIER_PUSH_BELOW")).isEqualTo("8000");
        assertThat(value(c, "FEED_PG_STATEMENT_TIMEOUT")).isEqualTo("5s");
        assertJwtKeyMounted(defaults.get("Deployment", RELATION), "configMap", "feed-jwt-public-key");
    }

    @Test
    void fanoutWorker_hasRedisKafkaRelationAndToken() {
        Map<String, Object> c = container(defaults.get("Deployment", WORKER));
        assertThat(envNames(c)).contains("FEED_REDIS_URL", "FEED_REDIS_TYPE", "FEED_KAFKA_BOOTSTRAP", "FEED_RELATION_URL",
                "FEED_INTERNAL_TOKEN", "FEED_INBOX_TTL", "FEED_INBOX_MAX_ENTRIES", "FEED_TOPICS_REPLICATION");
        assertThat(envNames(c)).doesNotHaveDuplicates().doesNotContain("FEED_PG_PASSWORD", "FEED_CASSANDRA_CONTACT_POINTS");
        // relation-service's /internal API is on its management port
        assertThat(value(c, "FEED_RELATION_URL")).isEqualTo("http://" + RELATION + ":8101");
        assertSecretRef(c, "FEED_INTERNAL_TOKEN", "feed-internal-token", "token");
        assertThat(value(c, "FEED_FANOUT_REDIS_TIMEOUT")).isEqualTo("PT5S");
    }

    @Test
    void tracing_isOffByDefault_andOnForEveryServiceWithEndpointAndRatio() {
        for (String name : COMPONENTS) {
            Map<String, Object> c = container(defaults.workload(name));
            assertThat(value(c, "FEED_OTEL_ENABLED")).as(name).isEqualTo("false");
            assertThat(envNames(c)).as(name).doesNotContain("FEED_OTEL_ENDPOINT");
        }
        Manifests traced = Manifests.parse(template(Map.of("tracing.enabled", true,
                "tracing.endpoint", "http://otel-collector.observability:4317", "tracing.sampleRatio", "0.1")));
        for (String name : COMPONENTS) {
            Map<String, Object> c = container(traced.workload(name));
            assertThat(value(c, "FEED_OTEL_ENABLED")).as(name).isEqualTo("true");
            assertThat(value(c, "FEED_OTEL_ENDPOINT")).as(name).isEqualTo("http://otel-collector.observability:4317");
            assertThat(value(c, "FEED_OTEL_SAMPLE_RATIO")).as(name).isEqualTo("0.1");
            assertThat(envNames(c)).as(name).doesNotHaveDuplicates();
        }
    }

    @Test
    void noSecretValueIsRenderedInline() {
        for (Manifests m : List.of(defaults, cluster)) {
            assertThat(m.ofKind("Secret")).isEmpty();
            for (String name : COMPONENTS) {
                for (Map<String, Object> e : list(container(m.workload(name)), "env")) {
                    String n = (String) e.get("name");
                    if (n.endsWith("PASSWORD") || n.endsWith("TOKEN")) {
                        assertThat(e).as(n).doesNotContainKey("value").containsKey("valueFrom");
                    }
                }
            }
        }
    }

    // --- cluster-mode values ------------------------------------------------------------------------

    @Test
    void clusterValues_redisClusterCassandraMultiDcAndSecrets() {
        for (String name : List.of(FEED, WORKER)) {
            Map<String, Object> c = container(cluster.workload(name));
            assertThat(value(c, "FEED_REDIS_TYPE")).isEqualTo("cluster");
            assertThat(value(c, "FEED_REDIS_URL").split(",")).hasSize(3).allMatch(u -> u.startsWith("redis://redis-cluster-"));
            assertThat(value(c, "FEED_KAFKA_BOOTSTRAP").split(",")).hasSize(3);
            assertThat(str(c, "image")).startsWith("registry.example.com/feed/").endsWith(":1.2.3");
        }
        Map<String, Object> feed = container(cluster.workload(FEED));
        assertThat(value(feed, "FEED_CASSANDRA_CONTACT_POINTS"))
                .isEqualTo("cassandra-0.cassandra-headless:9042,cassandra-1.cassandra-headless:9042");
        assertThat(value(feed, "FEED_CASSANDRA_DC")).isEqualTo("dc1");
        assertThat(value(feed, "FEED_CASSANDRA_REPLICATION")).isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3}");
        assertSecretRef(feed, "FEED_CASSANDRA_USER", "feed-cassandra", "username");
        assertSecretRef(feed, "FEED_CASSANDRA_PASSWORD", "feed-cassandra", "password");
        assertJwtKeyMounted(cluster.workload(FEED), "secret", "feed-jwt");
        Map<String, Object> relation = container(cluster.workload(RELATION));
        assertSecretRef(relation, "FEED_PG_USER", "feed-postgres", "username");
        assertSecretRef(relation, "FEED_PG_PASSWORD", "feed-postgres", "password");
    }

    @Test
    void redisUrlFromSecret_whenExistingSecretIsSet() {
        Manifests m = Manifests.parse(template(Map.of("redis.mode", "cluster", "redis.existingSecret", "feed-redis")));
        Map<String, Object> c = container(m.workload(WORKER));
        assertSecretRef(c, "FEED_REDIS_URL", "feed-redis", "url");
        assertThat(value(c, "FEED_REDIS_TYPE")).isEqualTo("cluster");
    }

    @Test
    void inlinePem_rendersAConfigMapThatIsMounted() {
        String pem = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----\n";
        Manifests m = Manifests.parse(template(Map.of("jwt.publicKey.existingConfigMap", "", "jwt.publicKey.pem", pem)));
        Map<String, Object> cm = m.get("ConfigMap", "feed-jwt-public-key");
        assertThat(str(cm, "data", "jwt-public.pem")).contains("BEGIN PUBLIC KEY");
        assertJwtKeyMounted(m.workload(FEED), "configMap", "feed-jwt-public-key");
    }

    // --- availability and scaling ------------------------------------------------------------------

    @Test
    void pdb_perService() {
        for (Manifests m : List.of(defaults, cluster)) {
            for (String name : COMPONENTS) {
                Map<String, Object> pdb = m.get("PodDisruptionBudget", name);
                assertThat(map(pdb, "spec", "selector", "matchLabels"))
                        .isEqualTo(map(m.workload(name), "spec", "selector", "matchLabels"));
            }
        }
        assertThat(at(defaults.get("PodDisruptionBudget", FEED), "spec", "maxUnavailable")).isEqualTo(1);
        assertThat(at(cluster.get("PodDisruptionBudget", WORKER), "spec", "minAvailable")).isEqualTo(2);
        assertThat(map(cluster.get("PodDisruptionBudget", WORKER), "spec")).doesNotContainKey("maxUnavailable");
    }

    @Test
    void hpa_isAToggle_andOwnsTheReplicaCount() {
        assertThat(defaults.ofKind("HorizontalPodAutoscaler")).isEmpty();
        Map<String, Object> hpa = cluster.get("HorizontalPodAutoscaler", FEED);
        assertThat(str(hpa, "spec", "scaleTargetRef", "kind")).isEqualTo("StatefulSet");
        assertThat(str(hpa, "spec", "scaleTargetRef", "name")).isEqualTo(FEED);
        assertThat(at(hpa, "spec", "minReplicas")).isEqualTo(6);
        assertThat(at(hpa, "spec", "maxReplicas")).isEqualTo(24);
        assertThat(str(cluster.get("HorizontalPodAutoscaler", RELATION), "spec", "scaleTargetRef", "kind")).isEqualTo("Deployment");
        assertThat(cluster.find("HorizontalPodAutoscaler", WORKER)).isEmpty();
        // With an HPA the workload leaves replicas alone, so a helm upgrade does not reset the scale.
        assertThat(map(cluster.workload(FEED), "spec")).doesNotContainKey("replicas");
        assertThat(map(cluster.workload(RELATION), "spec")).doesNotContainKey("replicas");
    }

    // --- traffic ----------------------------------------------------------------------------------

    @Test
    void ingress_isOffByDefault_andRoutesOnlyThePublicApi() {
        assertThat(defaults.ofKind("Ingress")).isEmpty();
        Map<String, Object> ingress = cluster.get("Ingress", "feed");
        assertThat(str(ingress, "spec", "ingressClassName")).isEqualTo("nginx");
        assertThat(str(ingress, "spec", "rules", 0, "host")).isEqualTo("api.example.com");
        assertThat(str(ingress, "spec", "tls", 0, "secretName")).isEqualTo("feed-tls");
        List<Map<String, Object>> paths = list(ingress, "spec", "rules", 0, "http", "paths");
        assertThat(paths).allSatisfy(p -> assertThat(str(p, "path")).startsWith("/v1/"));
        assertThat(paths).noneMatch(p -> str(p, "path").matches(".*(internal|admin|/q/).*"));

        // ingress-nginx regex semantics: anchored at the start, case-insensitive, longest path first.
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("/v1/posts", FEED);
        expected.put("/v1/posts/123456789012345", FEED);
        expected.put("/v1/timeline", FEED);
        expected.put("/v1/users/1001/posts", FEED);
        expected.put("/v1/users/me", RELATION);
        expected.put("/v1/users/1001", RELATION);
        expected.put("/v1/users/by-handle/alice", RELATION);
        expected.put("/v1/users/by-handle/posts", RELATION);
        expected.put("/v1/users/me/following/1002", RELATION);
        expected.put("/v1/users/1001/followers", RELATION);
        expected.put("/v1/users/1001/following", RELATION);
        expected.put("/internal/v1/users/1/followees", null);
        expected.put("/admin/hot/authors/1", null);
        expected.put("/admin/fanout/1", null);
        expected.put("/q/metrics", null);
        expected.put("/q/health", null);
        expected.forEach((path, backend) -> assertThat(route(paths, path)).as(path).isEqualTo(Optional.ofNullable(backend)));
    }

    @Test
    void networkPolicy_letsOnlyFeedServiceAndWorkerReachRelationService() {
        assertThat(defaults.ofKind("NetworkPolicy")).isEmpty();
        Map<String, Object> np = cluster.get("NetworkPolicy", RELATION);
        assertThat(map(np, "spec", "podSelector", "matchLabels")).containsEntry("app.kubernetes.io/component", "relation-service");
        List<Map<String, Object>> rules = list(np, "spec", "ingress");
        List<String> podPeers = rules.stream().flatMap(r -> list(r, "from").stream())
                .filter(peer -> peer.containsKey("podSelector"))
                .map(peer -> str(peer, "podSelector", "matchLabels", "app.kubernetes.io/component"))
                .collect(Collectors.toList());
        assertThat(podPeers).containsExactlyInAnyOrder("feed-service", "fanout-worker");
        // The pods calling /internal reach the management port only; the ingress controller the API port only.
        for (Map<String, Object> r : rules) {
            boolean fromPods = list(r, "from").stream().anyMatch(peer -> peer.containsKey("podSelector"));
            boolean fromIngress = list(r, "from").stream().anyMatch(peer -> String.valueOf(peer).contains("ingress-nginx"));
            List<Object> ports = list(r, "ports").stream().map(p -> p.get("port")).collect(Collectors.toList());
            if (fromPods) {
                assertThat(ports).as("ports open to feed-service and fanout-worker").containsExactly("management");
            }
            if (fromIngress) {
                assertThat(ports).as("ports open to the ingress controller").containsExactly("http");
            }
        }
        // Every other peer is a namespace (ingress controller, Prometheus), never "everyone".
        assertThat(rules).allSatisfy(r -> assertThat(list(r, "from")).isNotEmpty());
        assertThat(list(cluster.get("NetworkPolicy", WORKER), "spec", "ingress")).hasSize(1);
    }

    // --- observability -------------------------------------------------------------------------------

    @Test
    void serviceMonitor_isAToggle_andScrapesQuarkusMetrics() {
        assertThat(defaults.ofKind("ServiceMonitor")).isEmpty();
        for (String name : COMPONENTS) {
            Map<String, Object> sm = cluster.get("ServiceMonitor", name);
            assertThat(str(sm, "spec", "endpoints", 0, "path")).isEqualTo("/q/metrics");
            assertThat(str(sm, "spec", "endpoints", 0, "port")).isEqualTo("management");
            assertThat(map(sm, "metadata", "labels")).containsEntry("release", "kube-prometheus-stack");
            // Selects the service (with the metrics label), not the StatefulSet's headless one.
            Map<String, Object> selector = map(sm, "spec", "selector", "matchLabels");
            assertThat(map(cluster.get("Service", name), "metadata", "labels")).containsAllEntriesOf(cast(selector));
        }
        assertThat(map(cluster.get("Service", FEED + "-headless"), "metadata", "labels")).doesNotContainKey("feed.dev/metrics");
    }

    @Test
    void grafanaDashboard_isShippedAsAConfigMapWhenEnabled() {
        assertThat(defaults.find("ConfigMap", "feed-dashboards")).isEmpty();
        Map<String, Object> cm = cluster.get("ConfigMap", "feed-dashboards");
        assertThat(map(cm, "metadata", "labels")).containsEntry("grafana_dashboard", "1");
        String json = str(cm, "data", "feed.json");
        // JSON is YAML: parse it to check it is one well-formed dashboard.
        Map<String, Object> dashboard = cast(new Yaml(new SafeConstructor(new LoaderOptions())).load(json));
        assertThat(dashboard).containsEntry("uid", "feed-overview");
        String exprs = list(dashboard, "panels").stream().flatMap(p -> list(p, "targets").stream())
                .map(t -> str(t, "expr")).collect(Collectors.joining("\n"));
        assertThat(exprs).contains("feed_fanout_lag_seconds_bucket", "feed_fanout_deliveries_total",
                "http_server_requests_seconds_bucket{namespace=~\"$namespace\", uri=\"/v1/timeline\"",
                "feed_hotcache_hits_total", "feed_hotcache_misses_total", "feed_kafka_consumer_lag",
                "kafka_consumergroup_lag");
    }

    // --- helpers ------------------------------------------------------------------------------------

    static String value(Map<String, Object> container, String name) {
        Map<String, Object> e = env(container, name);
        assertThat(e).as(name).containsKey("value");
        return (String) e.get("value");
    }

    static void assertSecretRef(Map<String, Object> container, String name, String secret, String key) {
        Map<String, Object> e = env(container, name);
        assertThat(e).as(name).doesNotContainKey("value");
        assertThat(str(e, "valueFrom", "secretKeyRef", "name")).as(name).isEqualTo(secret);
        assertThat(str(e, "valueFrom", "secretKeyRef", "key")).as(name).isEqualTo(key);
    }

    /** FEED_JWT_PUBLIC_KEY points at a file in a mount backed by the given ConfigMap or Secret. */
    static void assertJwtKeyMounted(Map<String, Object> workload, String sourceKind, String sourceName) {
        Map<String, Object> c = container(workload);
        String path = value(c, "FEED_JWT_PUBLIC_KEY");
        Map<String, Object> mount = list(c, "volumeMounts").stream().filter(v -> path.startsWith(str(v, "mountPath") + "/"))
                .findFirst().orElseThrow(() -> new AssertionError("no volume mounted at " + path));
        Map<String, Object> volume = list(workload, "spec", "template", "spec", "volumes").stream()
                .filter(v -> mount.get("name").equals(v.get("name"))).findFirst().orElseThrow();
        String nameKey = sourceKind.equals("secret") ? "secretName" : "name";
        assertThat(str(volume, sourceKind, nameKey)).isEqualTo(sourceName);
        assertThat(path).endsWith("/jwt-public.pem");
    }

    /** The backend ingress-nginx picks for a request path, given regex paths (use-regex). */
    static Optional<String> route(List<Map<String, Object>> paths, String requestPath) {
        return paths.stream()
                .sorted((a, b) -> Integer.compare(str(b, "path").length(), str(a, "path").length()))
                .filter(p -> Pattern.compile("^" + str(p, "path"), Pattern.CASE_INSENSITIVE).matcher(requestPath).find())
                .map(p -> str(p, "backend", "service", "name")).findFirst();
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object o) {
        return (T) o;
    }

    static Map<String, Object> load(Path yaml) throws IOException {
        return cast(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(yaml)));
    }

    /** A copy of the chart whose values.yaml is the chart's deep-merged with the overrides (lint reads only values.yaml). */
    static Path copyChartWithValues(Path tmp, Map<String, Object> overrides) throws IOException {
        Path target = tmp.resolve("feed");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = target.resolve(CHART.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Map<String, Object> values = merge(load(CHART.resolve("values.yaml")), overrides);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(target.resolve("values.yaml"), new Yaml(options).dump(values));
        return target;
    }

    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        overrides.forEach((k, v) -> {
            Object b = out.get(k);
            if (b instanceof Map && v instanceof Map) {
                out.put(k, merge(cast(b), cast(v)));
            } else {
                out.put(k, v instanceof List ? new ArrayList<>((List<?>) v) : v);
            }
        });
        return out;
    }
}
