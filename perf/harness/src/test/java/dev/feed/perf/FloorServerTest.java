package dev.feed.perf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class FloorServerTest {
    @Test
    void page_isJsonOfTheIds_paddedToTheRequestedSize() throws Exception {
        String page = FloorServer.page(List.of("11", "12"), 500);

        JsonNode json = new ObjectMapper().readTree(page);
        assertThat(page).hasSize(500);
        assertThat(json.get("items")).extracting(n -> n.get("id").asText()).containsExactly("11", "12");
    }

    @Test
    void httpMode_answersAuthorisedReadsWithAPageOfTheGivenSize_andRefusesUnauthorisedOnes() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Vertx vertx = Vertx.vertx();
        try {
            FloorServer.start(vertx, 2, port, "http", 4096, 0, "unused").toCompletionStage().toCompletableFuture().join();
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + port + "/v1/timeline?limit=20");

            HttpResponse<String> authorised = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer x").build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(authorised.statusCode()).isEqualTo(200);
            assertThat(authorised.body()).hasSize(4096);
            assertThat(anonymous.statusCode()).isEqualTo(401);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
