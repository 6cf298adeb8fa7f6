package dev.feed.fanout.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The three services keep one {@link ManagementDoor} each (they share no library module): the
 * copies must stay identical apart from their package line, so a fix to one (the HTTP/2 body
 * handover was applied to one door only, once) reaches all three. Reads the sibling modules'
 * sources from this checkout.
 */
class ManagementDoorCopiesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Map<String, Path> COPIES = Map.of(
            "feed-service", ROOT.resolve("feed-service/src/main/java/dev/feed/admin/ManagementDoor.java"),
            "relation-service", ROOT.resolve("relation-service/src/main/java/dev/feed/relation/internal/ManagementDoor.java"),
            "fanout-worker", ROOT.resolve("fanout-worker/src/main/java/dev/feed/fanout/admin/ManagementDoor.java"));

    @Test
    void managementDoor_isTheSameInEveryService_apartFromItsPackage() throws IOException {
        String mine = withoutPackage(COPIES.get("fanout-worker"));
        assertThat(mine).contains("class ManagementDoor", "ReadRequest");
        for (Map.Entry<String, Path> copy : COPIES.entrySet()) {
            assertThat(withoutPackage(copy.getValue())).as("%s's ManagementDoor against this module's (%s)", copy.getKey(), copy.getValue())
                    .isEqualTo(mine);
        }
    }

    private static String withoutPackage(Path source) throws IOException {
        assertThat(source).as("sibling source in this checkout").isRegularFile();
        return Files.readString(source).replaceFirst("(?m)^package [a-z.]+;\\R", "");
    }
}
