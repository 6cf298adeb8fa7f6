package dev.feed;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document against the contract. The expected tables are written here from
 * DESIGN.md ("HTTP API") and this service's README (admin endpoints), never copied from the document,
 * so a resource that drifts from the contract, or an annotation that lies, fails the build.
 */
@QuarkusTest
class OpenApiDocumentTest {
    private static final String PROBLEM = "application/problem+json";

    /**
     * {@code contract}: what DESIGN.md says of the endpoint, plus its global rules: a missing or bad
     * token is a 401, a malformed cursor or limit a 400, an exceeded rate limit a 429.
     * {@code alsoReturned}: what the code answers beyond that, for the reason in the row's comment.
     */
    private static final List<Endpoint> PUBLIC = List.of(
            // Every row: 414/431 too (anyRequest), the request-line and header limits checked before routing.
            // 413/415: a body too large (16 KiB) or not JSON, refused before the resource runs;
            // 503: relation-service (author profiles) overloaded, with Retry-After. 429: the publish limit.
            new Endpoint("POST", "/v1/posts", codes(201, 400, 401, 429), anyRequest(413, 415, 503)),
            // Reposts (DESIGN "Safety and reposts"): 400 a malformed id, 429 reposts count as publishes,
            // 503 relation-service (author profiles) overloaded, 403 a block between reposter and author (issue 17).
            new Endpoint("POST", "/v1/posts/{id}/reposts", codes(200, 201, 401, 404), anyRequest(400, 403, 429, 503)),
            // 400: an id that is not a positive number (DESIGN.md only says bad input is a 4xx).
            new Endpoint("GET", "/v1/posts/{id}", codes(200, 401, 404), anyRequest(400, 503)),
            // No 503: a delete never asks relation-service. 429: the deletes limit (README "Rate limits").
            new Endpoint("DELETE", "/v1/posts/{id}", codes(204, 401, 403, 404, 429), anyRequest(400)),
            // 304: If-None-Match with the page's current ETag (DESIGN "Client sync").
            // 429: the timeline limit (README "Rate limits").
            new Endpoint("GET", "/v1/timeline", codes(200, 304, 400, 401, 429), anyRequest(503)),
            // Client sync: the read marker; 400 a missing or malformed position (bad input is a 4xx).
            new Endpoint("GET", "/v1/timeline/marker", codes(200, 401), anyRequest(503)),
            new Endpoint("PUT", "/v1/timeline/marker", codes(200, 400, 401), anyRequest(413, 415, 503)),
            // Client sync: the live stream; 429 too many open streams; 400 a malformed Last-Event-ID or since.
            // No 503: the status is sent before the reader's lists are fetched; a failure then ends the stream.
            new Endpoint("GET", "/v1/timeline/stream", codes(200, 400, 401, 429), anyRequest()),
            new Endpoint("GET", "/v1/users/{id}/posts", codes(200, 400, 401, 429), anyRequest(503)));

    /** The rate-limited operations (README "Rate limits") and their family. */
    private static final Map<String, String> RATE_LIMITED = Map.of(
            "GET /v1/timeline", "timeline", "GET /v1/users/{id}/posts", "timeline", "DELETE /v1/posts/{id}", "deletes",
            "POST /v1/posts", "publish", "POST /v1/posts/{id}/reposts", "publish");

    /**
     * Not in DESIGN.md: the operators' endpoints as feed-service/README.md lists them (its "contract").
     * Served on the management port and left out of the public document; listed so the scan of the
     * resource classes accounts for every method.
     */
    private static final List<Endpoint> ADMIN = List.of(
            new Endpoint("GET", "/admin/hot/authors/{id}", codes(200, 400, 401), codes()),
            new Endpoint("POST", "/admin/hot/patrol", codes(200, 401), codes()));

    /** What smallrye-openapi writes when an annotation is missing: a documented operation never says only this. */
    private static final Set<String> GENERATED_DESCRIPTIONS = Set.of("OK", "Created", "No Content", "Bad Request",
            "Not Authorized", "Not Allowed");

    private Map<String, Object> document;

    @BeforeEach
    void fetchDocument() {
        document = given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().jsonPath().getMap("$");
    }

    @Test
    void openApi_listsEveryPublicEndpointOfTheDesignWithItsStatusCodes() {
        SoftAssertions softly = new SoftAssertions();
        for (Endpoint e : PUBLIC) {
            Map<String, Object> op = operation(e.method(), e.path());
            softly.assertThat(op).as("%s is documented", e).isNotNull();
            if (op != null) {
                softly.assertThat(responseCodes(op)).as("status codes of %s", e).containsAll(e.contract())
                        .containsExactlyInAnyOrderElementsOf(e.all());
                softly.assertThat(securityNames(op)).as("security of %s", e).containsExactly("jwt");
            }
        }
        softly.assertAll();
    }

    @Test
    void openApi_promisesTheHeadersTheDesignRequires_locationOn201_retryAfterOn429And503() {
        SoftAssertions softly = new SoftAssertions();
        for (String key : operationKeys()) {
            String[] mp = key.split(" ", 2);
            map(operation(mp[0], mp[1]), "responses").forEach((code, raw) -> {
                Map<String, Object> headers = map(resolve(raw), "headers");
                Set<String> names = headers == null ? Set.of() : headers.keySet();
                switch (code) {
                    case "201" -> softly.assertThat(names).as("headers of %s %s", key, code).contains("Location");
                    case "429", "503" -> softly.assertThat(names).as("headers of %s %s", key, code).contains("Retry-After");
                    default -> { }
                }
            });
        }
        softly.assertAll();
        assertThat(responseCodes(operation("POST", "/v1/posts"))).contains("201", "429", "503");
    }

    @Test
    void openApi_rateLimitedOperations_PromiseTheRateLimitHeadersOnEveryAnswer() {
        SoftAssertions softly = new SoftAssertions();
        RATE_LIMITED.forEach((key, family) -> {
            String[] mp = key.split(" ", 2);
            Map<String, Object> op = operation(mp[0], mp[1]);
            map(op, "responses").forEach((code, raw) -> {
                if (Set.of("401", "503", "413", "414", "415", "431").contains(code)) {
                    // a 401 is given before the limit is checked, a 503 may be the limiter's store away; 413, 414, 415
                    // and 431 are refused before the request reaches the endpoint, so before the limit too
                    return;
                }
                Map<String, Object> headers = map(resolve(raw), "headers");
                softly.assertThat(headers == null ? Set.of() : headers.keySet()).as("headers of %s %s", key, code)
                        .contains("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");
            });
        });
        softly.assertAll();
    }

    @Test
    void openApi_timelineStream_answersServerSentEvents() {
        Map<String, Object> ok = map(map(operation("GET", "/v1/timeline/stream"), "responses"), "200");
        assertThat(map(resolve(ok), "content")).containsOnlyKeys("text/event-stream");
        assertThat(parameterNames(operation("GET", "/v1/timeline/stream"))).contains("Last-Event-ID", "since");
    }

    @Test
    void openApi_documentsNoAdminEndpoint_norTheServiceToken() {
        // The admin endpoints are served on the management port only (ManagementDoorTest); the public
        // document does not describe them, nor hint at them with their token scheme, tag or 401 answer.
        assertThat(map(document, "paths").keySet()).as("paths in the public document").noneMatch(p -> p.startsWith("/admin"));
        for (Endpoint e : ADMIN) {
            assertThat(operation(e.method(), e.path())).as("%s is not in the public document", e).isNull();
        }
        Map<String, Object> components = map(document, "components");
        assertThat(map(components, "securitySchemes")).containsOnlyKeys("jwt");
        assertThat(map(map(components, "securitySchemes"), "jwt")).containsEntry("type", "http").containsEntry("scheme", "bearer")
                .containsEntry("bearerFormat", "JWT");
        assertThat(map(components, "responses")).doesNotContainKey("InternalUnauthorized");
        assertThat(((List<?>) document.get("tags")).stream().map(t -> String.valueOf(((Map<?, ?>) t).get("name")))).doesNotContain("admin");
        assertThat(document.toString()).doesNotContain("X-Internal-Token");
    }

    @Test
    void openApi_documentsEveryPublicJaxRsResourceMethod_andNothingElse() throws Exception {
        List<Endpoint> inCode = resourceMethods();
        assertThat(inCode).as("resource methods found by scanning the classes").isNotEmpty();
        assertThat(inCode).extracting(Endpoint::key)
                .containsExactlyInAnyOrderElementsOf(Stream.concat(PUBLIC.stream(), ADMIN.stream()).map(Endpoint::key).toList());
        assertThat(operationKeys()).as("operations in the document: the public ones").containsExactlyInAnyOrderElementsOf(
                PUBLIC.stream().map(Endpoint::key).toList());

        SoftAssertions softly = new SoftAssertions();
        for (Endpoint e : PUBLIC) {
            Map<String, Object> op = operation(e.method(), e.path());
            softly.assertThat((String) op.get("summary")).as("summary of %s", e).isNotBlank();
            softly.assertThat((List<?>) op.get("tags")).as("tags of %s", e).isNotEmpty();
            // One success answer each, except a repost: DESIGN gives 201 for the first and 200 for a repeat.
            int successes = e.key().equals("POST /v1/posts/{id}/reposts") ? 2 : 1;
            softly.assertThat(responseCodes(op).stream().filter(c -> c.startsWith("2"))).as("success answers of %s", e).hasSize(successes);
            map(op, "responses").forEach((code, raw) -> softly.assertThat(description(raw))
                    .as("description of %s %s", e, code).isNotBlank().isNotIn(GENERATED_DESCRIPTIONS));
            if (op.containsKey("requestBody")) {
                Map<String, Object> json = map(map(map(op, "requestBody"), "content"), "application/json");
                softly.assertThat(json).as("JSON request body of %s", e).isNotNull();
                softly.assertThat(json == null ? null : json.get("examples")).as("request body examples of %s", e).isNotNull();
            }
        }
        softly.assertAll();
    }

    @Test
    void openApi_everyErrorWithABodyIsProblemJsonWithTheProblemSchema() {
        SoftAssertions softly = new SoftAssertions();
        for (String key : operationKeys()) {
            String[] mp = key.split(" ", 2);
            map(operation(mp[0], mp[1]), "responses").forEach((code, raw) -> {
                Map<String, Object> content = map(resolve(raw), "content");
                if (code.startsWith("2") || code.equals("304")) {
                    return; // a 304 has no body by definition (RFC 9110)
                }
                softly.assertThat(content).as("%s %s media types", key, code).isNotNull();
                if (content != null) {
                    softly.assertThat(content.keySet()).as("%s %s media types", key, code).containsExactly(PROBLEM);
                    softly.assertThat(map(map(content, PROBLEM), "schema")).as("%s %s schema", key, code)
                            .containsEntry("$ref", "#/components/schemas/Problem");
                }
            });
        }
        softly.assertAll();
        assertThat((List<Object>) map(map(map(document, "components"), "schemas"), "Problem").get("required"))
                .containsExactlyInAnyOrder("type", "title", "status");
    }

    @Test
    void openApi_info_namesTheServiceAndItsVersion() {
        Map<String, Object> info = map(document, "info");
        assertThat(info).containsEntry("title", "feed-service").containsKey("version");
        assertThat((String) info.get("description")).contains("problem+json");
    }

    /** What an endpoint answers beyond its contract, plus what any request may get before routing (414, 431). */
    private static Set<String> anyRequest(int... codes) {
        Set<String> all = codes(codes);
        all.addAll(codes(414, 431));
        return all;
    }

    private static Set<String> codes(int... codes) {
        return Arrays.stream(codes).mapToObj(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
    }

    private record Endpoint(String method, String path, Set<String> contract, Set<String> alsoReturned) {
        String key() {
            return method + " " + path;
        }

        Set<String> all() {
            return Stream.concat(contract.stream(), alsoReturned.stream()).collect(Collectors.toCollection(TreeSet::new));
        }

        @Override
        public String toString() {
            return key();
        }
    }

    private Map<String, Object> operation(String method, String path) {
        Map<String, Object> item = map(map(document, "paths"), path);
        return item == null ? null : map(item, method.toLowerCase(Locale.ROOT));
    }

    private List<String> operationKeys() {
        List<String> keys = new ArrayList<>();
        map(document, "paths").forEach((path, item) -> ((Map<?, ?>) item).keySet().stream()
                .map(m -> ((String) m).toUpperCase(Locale.ROOT))
                .filter(m -> Set.of("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS").contains(m))
                .forEach(m -> keys.add(m + " " + path)));
        return keys;
    }

    private static Set<String> responseCodes(Map<String, Object> op) {
        return map(op, "responses").keySet();
    }

    /** Names of an operation's parameters, shared ones ({@code $ref}) resolved. */
    private List<String> parameterNames(Map<String, Object> op) {
        List<String> names = new ArrayList<>();
        for (Object raw : (List<?>) op.getOrDefault("parameters", List.of())) {
            Map<String, Object> p = cast(raw);
            String ref = (String) p.get("$ref");
            if (ref != null) {
                p = map(map(map(document, "components"), "parameters"), ref.substring(ref.lastIndexOf('/') + 1));
            }
            names.add((String) p.get("name"));
        }
        return names;
    }

    private static List<String> securityNames(Map<String, Object> op) {
        List<?> requirements = (List<?>) op.getOrDefault("security", List.of());
        return requirements.stream().flatMap(r -> ((Map<?, ?>) r).keySet().stream()).map(String::valueOf).toList();
    }

    /** A response, or the shared component it points at. */
    private Map<String, Object> resolve(Object response) {
        Map<String, Object> r = cast(response);
        String ref = (String) r.get("$ref");
        if (ref == null) {
            return r;
        }
        assertThat(ref).startsWith("#/components/responses/");
        Map<String, Object> shared = map(map(map(document, "components"), "responses"), ref.substring("#/components/responses/".length()));
        assertThat(shared).as("component %s", ref).isNotNull();
        return shared;
    }

    private String description(Object response) {
        return (String) resolve(response).get("description");
    }

    /**
     * Every JAX-RS resource method of this service, found by scanning its compiled classes, so a
     * method added without documentation shows up here even if nobody updates the tables above.
     */
    private static List<Endpoint> resourceMethods() throws IOException, URISyntaxException {
        java.nio.file.Path classes = Paths.get(FeedApi.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Endpoint> found = new ArrayList<>();
        List<String> names;
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            names = files.map(f -> classes.relativize(f).toString())
                    .filter(n -> n.startsWith("dev/feed/") && n.endsWith(".class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .toList();
        }
        for (String name : names) {
            Class<?> type;
            try {
                type = Class.forName(name, false, FeedApi.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            Path root = type.getAnnotation(Path.class);
            if (root == null || type.isInterface()) {
                continue; // REST client interfaces carry @Path too, but are not served
            }
            for (Method m : type.getDeclaredMethods()) {
                String verb = httpMethod(m);
                if (verb != null) {
                    Path sub = m.getAnnotation(Path.class);
                    found.add(new Endpoint(verb, join(root.value(), sub == null ? "" : sub.value()), codes(), codes()));
                }
            }
        }
        return found;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod verb = a.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    private static String join(String root, String sub) {
        String path = ("/" + root + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return parent == null ? null : cast(parent.get(key));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
