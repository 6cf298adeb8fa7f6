package dev.feed.relation;

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
 * DESIGN.md ("HTTP API") and this service's README (internal API), never copied from the document,
 * so a resource that drifts from the contract, or an annotation that lies, fails the build.
 */
@QuarkusTest
class OpenApiDocumentTest {
    private static final String PROBLEM = "application/problem+json";

    /**
     * {@code contract}: what DESIGN.md says of the endpoint, plus its global rule that a missing or bad
     * token is a 401. {@code alsoReturned}: what the code answers beyond that, for the reason in the
     * row's comment (where DESIGN.md only says "bad input is a 4xx", the 400 is here).
     */
    private static final List<Endpoint> PUBLIC = List.of(
            // 400: a handle or display name that breaks DESIGN.md's rules (it says only "bad input is a 4xx");
            // 413/415: a body too large or not JSON, refused before the resource runs.
            // 429 (here and on the graph's other writes): the rate limits of README "Rate limits".
            new Endpoint("PUT", "/v1/users/me", codes(200, 401, 409), codes(400, 413, 415, 429)),
            // 400 for an id that is not a number, 404 for an unknown one: DESIGN.md gives only the 200 body.
            new Endpoint("GET", "/v1/users/{id}", codes(200, 401), codes(400, 404)),
            // 400: a handle holding NUL, a control character or a lone surrogate (issue 15, bad input never 5xx).
            new Endpoint("GET", "/v1/users/by-handle/{handle}", codes(200, 401), codes(400, 404)),
            // 409: the caller has no profile yet (README); an edge from a user who does not exist would be a ghost.
            new Endpoint("PUT", "/v1/users/me/following/{id}", codes(204, 400, 401, 403, 404), codes(409, 429)),
            new Endpoint("DELETE", "/v1/users/me/following/{id}", codes(204, 401), codes(400, 429)),
            // bad limit/cursor is a 400 like feed-service's; 404 for an unknown user rather than an empty page.
            new Endpoint("GET", "/v1/users/{id}/followers", codes(200, 401), codes(400, 404)),
            new Endpoint("GET", "/v1/users/{id}/following", codes(200, 401), codes(400, 404)),
            // Safety (issue 17): 409 as for follows (the caller has no profile); bad limit/cursor 400 as for followers.
            new Endpoint("PUT", "/v1/users/me/blocks/{id}", codes(204, 400, 401, 404), codes(409, 429)),
            new Endpoint("DELETE", "/v1/users/me/blocks/{id}", codes(204, 401), codes(400, 429)),
            new Endpoint("GET", "/v1/users/me/blocks", codes(200, 401), codes(400)),
            new Endpoint("PUT", "/v1/users/me/mutes/{id}", codes(204, 401), codes(400, 404, 409, 429)),
            new Endpoint("DELETE", "/v1/users/me/mutes/{id}", codes(204, 401), codes(400, 429)),
            new Endpoint("GET", "/v1/users/me/mutes", codes(200, 401), codes(400)));

    /** The rate-limited operations (README "Rate limits") and their family. */
    private static final Map<String, String> RATE_LIMITED = Map.of(
            "PUT /v1/users/me", "profile",
            "PUT /v1/users/me/following/{id}", "follows", "DELETE /v1/users/me/following/{id}", "follows",
            "PUT /v1/users/me/blocks/{id}", "safety", "DELETE /v1/users/me/blocks/{id}", "safety",
            "PUT /v1/users/me/mutes/{id}", "safety", "DELETE /v1/users/me/mutes/{id}", "safety");

    /**
     * Not in DESIGN.md: the internal API as relation-service/README.md documents it (its "contract").
     * Served on the management port and left out of the public document; listed so the scan of the
     * resource classes below accounts for every method.
     */
    private static final List<Endpoint> INTERNAL = List.of(
            new Endpoint("GET", "/internal/v1/authors/{id}/follower-ids", codes(200, 400, 401), codes()),
            new Endpoint("GET", "/internal/v1/users/{id}/followees", codes(200, 400, 401), codes()),
            new Endpoint("GET", "/internal/v1/authors/{id}/tier", codes(200, 400, 401, 404), codes()),
            new Endpoint("POST", "/internal/v1/users/lookup", codes(200, 400, 401), codes(413, 415)),
            new Endpoint("POST", "/internal/v1/tiers/reevaluate", codes(200, 400, 401, 409), codes()),
            new Endpoint("GET", "/internal/v1/users/{id}/hidden-authors", codes(200, 400, 401), codes()));

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
                        .containsExactlyInAnyOrderElementsOf(e.allPublic());
                softly.assertThat(securityNames(op)).as("security of %s", e).containsExactly("jwt");
            }
        }
        softly.assertAll();
    }

    @Test
    void openApi_documentsNoInternalEndpoint_norTheServiceToken() {
        // The internal API is served on the management port only (ManagementDoorTest); the public
        // document does not describe it, nor hint at it with its token scheme, tag or 401 answer.
        assertThat(map(document, "paths").keySet()).as("paths in the public document").noneMatch(p -> p.startsWith("/internal"));
        for (Endpoint e : INTERNAL) {
            assertThat(operation(e.method(), e.path())).as("%s is not in the public document", e).isNull();
        }
        Map<String, Object> components = map(document, "components");
        assertThat(map(components, "securitySchemes")).containsOnlyKeys("jwt");
        assertThat(map(map(components, "securitySchemes"), "jwt")).containsEntry("type", "http").containsEntry("scheme", "bearer")
                .containsEntry("bearerFormat", "JWT");
        assertThat(map(components, "responses")).doesNotContainKey("InternalUnauthorized");
        assertThat(((List<?>) document.get("tags")).stream().map(t -> String.valueOf(((Map<?, ?>) t).get("name")))).doesNotContain("internal");
        assertThat(document.toString()).doesNotContain("X-Internal-Token");
    }

    @Test
    void openApi_documentsEveryPublicJaxRsResourceMethod_andNothingElse() throws Exception {
        List<Endpoint> inCode = resourceMethods();
        assertThat(inCode).as("resource methods found by scanning the classes").isNotEmpty();
        assertThat(inCode).extracting(Endpoint::key)
                .containsExactlyInAnyOrderElementsOf(Stream.concat(PUBLIC.stream(), INTERNAL.stream()).map(Endpoint::key).toList());
        assertThat(operationKeys()).as("operations in the document: the public ones").containsExactlyInAnyOrderElementsOf(
                PUBLIC.stream().map(Endpoint::key).toList());

        SoftAssertions softly = new SoftAssertions();
        for (Endpoint e : PUBLIC) {
            Map<String, Object> op = operation(e.method(), e.path());
            softly.assertThat((String) op.get("summary")).as("summary of %s", e).isNotBlank();
            softly.assertThat((List<?>) op.get("tags")).as("tags of %s", e).isNotEmpty();
            softly.assertThat(responseCodes(op).stream().filter(c -> c.startsWith("2"))).as("success answers of %s", e).hasSize(1);
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
    void openApi_rateLimitedOperations_PromiseRetryAfterAndTheRateLimitHeaders() {
        SoftAssertions softly = new SoftAssertions();
        RATE_LIMITED.forEach((key, family) -> {
            String[] mp = key.split(" ", 2);
            Map<String, Object> op = operation(mp[0], mp[1]);
            map(op, "responses").forEach((code, raw) -> {
                if (code.equals("401") || code.equals("413") || code.equals("415") || code.equals("503")) {
                    // 401, 413 and 415 are given before the limit is checked; the 503 is the store-away answer
                    // shared by every operation, limited or not, as in feed-service's document
                    return;
                }
                Map<String, Object> headers = map(resolve(raw), "headers");
                softly.assertThat(headers == null ? Set.of() : headers.keySet()).as("headers of %s %s", key, code)
                        .contains("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");
            });
            Map<String, Object> tooMany = resolve(map(op, "responses").get("429"));
            softly.assertThat(map(tooMany, "headers")).as("headers of %s 429", key).containsKey("Retry-After");
        });
        softly.assertAll();
    }

    @Test
    void openApi_everyPublicOperation_mayAnswer503WithRetryAfter_whenPostgresIsSlowOrAway() {
        SoftAssertions softly = new SoftAssertions();
        for (Endpoint e : PUBLIC) {
            Map<String, Object> unavailable = resolve(map(operation(e.method(), e.path()), "responses").get("503"));
            softly.assertThat(unavailable).as("503 of %s", e).isNotNull();
            if (unavailable != null) {
                softly.assertThat(map(unavailable, "headers")).as("headers of %s 503", e).containsKey("Retry-After");
                softly.assertThat(String.valueOf(unavailable.get("description"))).as("503 of %s", e).contains("FEED_PG_STATEMENT_TIMEOUT");
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
                if (code.startsWith("2")) {
                    return;
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
        assertThat(info).containsEntry("title", "relation-service").containsKey("version");
        assertThat((String) info.get("description")).contains("problem+json");
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

        /** As {@link #all()}, plus the 503 every public operation may answer: PostgreSQL slow or away (issue 15). */
        Set<String> allPublic() {
            Set<String> codes = all();
            codes.add("503");
            return codes;
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
        java.nio.file.Path classes = Paths.get(RelationApi.class.getProtectionDomain().getCodeSource().getLocation().toURI());
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
                type = Class.forName(name, false, RelationApi.class.getClassLoader());
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
