package dev.feed.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The services' Dockerfiles are not built here (no container engine): this checks only that they
 * exist, use the expected base images and layout, and expose the port the chart gives the service.
 */
class DockerfilesTest {
    static final Path ROOT = ChartTest.CHART.getParent().getParent();

    @ParameterizedTest
    @CsvSource({"feed-service,8080", "relation-service,8081", "fanout-worker,8082"})
    void jvmAndNativeDockerfiles_matchTheChart(String service, int port) throws IOException {
        Path docker = ROOT.resolve(service).resolve("src/main/docker");
        String jvm = Files.readString(docker.resolve("Dockerfile.jvm"));
        assertThat(jvm).contains("FROM registry.access.redhat.com/ubi9/openjdk-17")
                .contains("COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/")
                .contains("JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"")
                .contains("USER 185")
                .contains("EXPOSE " + port);
        String nativeFile = Files.readString(docker.resolve("Dockerfile.native"));
        assertThat(nativeFile).contains("FROM quay.io/quarkus/ubi9-quarkus-micro-image:")
                .contains("target/*-runner /work/application")
                .contains("USER 1001")
                .contains("EXPOSE " + port)
                .contains("-Dquarkus.native.enabled=true -Dquarkus.package.jar.enabled=false");
    }
}
